import type { CategoryWithCount } from '../shared/api';
import type { Category } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import * as categories from '../db/categories-table';
import { liveCountsByCategory, moveAnnotationsToCategory, repointPredictions } from '../db/annotations-table';
import { listCategories, resolveCategory } from './categories';

/**
 * Merges category `from` into `into` in one transaction:
 * - annotations of `from` move to `into` (a move is not a correction: their source stays);
 * - predictions of `from` are NOT lost: schema 2 records the merge in `category_merges`
 *   and re-points them to `into`, keeping their original category id in `merged_from`
 *   (the predictions_immutable trigger allows exactly this change and nothing else), so
 *   the correction report and results exports keep every model output;
 * - then `from` is removed; its id is never handed out again (AUTOINCREMENT).
 * Returns the number of annotations moved.
 */
export function mergeCategories(pdb: ProjectDb, fromRef: number | string, intoRef: number | string): { moved: number } {
  return pdb.tx(() => {
    const from = resolveCategory(pdb, fromRef);
    const into = resolveCategory(pdb, intoRef);
    if (from.id === into.id) throw new LwError('INVALID_ARGUMENT', `Cannot merge category "${from.name}" into itself`);
    const now = Date.now();
    categories.recordMerge(pdb, from, into.id, now);
    repointPredictions(pdb, from.id, into.id);
    // Merges recorded earlier into `from` now lead to `into`.
    categories.redirectMerges(pdb, from.id, into.id);
    const moved = moveAnnotationsToCategory(pdb, from.id, into.id, now);
    categories.deleteCategory(pdb, from.id);
    if (from.hotkey && !into.hotkey) categories.setCategoryHotkey(pdb, into.id, from.hotkey);
    return { moved };
  });
}

/** Categories with the counts the category panel shows (pending and accepted annotations). */
export function listCategoriesWithCounts(pdb: ProjectDb): CategoryWithCount[] {
  const counts = new Map<number, { annotations: number; images: number }>();
  for (const r of liveCountsByCategory(pdb))
    counts.set(r.id, r);
  return listCategories(pdb).map((c: Category) => ({
    ...c,
    hotkey: c.hotkey ?? null,
    annotations: counts.get(c.id)?.annotations ?? 0,
    images: counts.get(c.id)?.images ?? 0,
  }));
}
