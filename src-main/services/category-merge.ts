import type { CategoryWithCount } from '../shared/api';
import type { Category } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
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
    const db = pdb.db;
    const now = Date.now();
    db.prepare(`INSERT INTO category_merges (from_id, from_name, into_id, merged_at) VALUES (?, ?, ?, ?)`).run(from.id, from.name, into.id, now);
    db.prepare(`UPDATE predictions SET category_id = ?, merged_from = ifnull(merged_from, category_id) WHERE category_id = ?`).run(into.id, from.id);
    // Merges recorded earlier into `from` now lead to `into`.
    db.prepare(`UPDATE category_merges SET into_id = ? WHERE into_id = ? AND from_id != ?`).run(into.id, from.id, into.id);
    const moved = db.prepare(`UPDATE annotations SET category_id = ?, updated_at = ? WHERE category_id = ?`).run(into.id, now, from.id).changes;
    db.prepare(`DELETE FROM categories WHERE id = ?`).run(from.id);
    if (from.hotkey && !into.hotkey) db.prepare(`UPDATE categories SET hotkey = ? WHERE id = ?`).run(from.hotkey, into.id);
    return { moved };
  });
}

/** Categories with the counts the category panel shows (pending and accepted annotations). */
export function listCategoriesWithCounts(pdb: ProjectDb): CategoryWithCount[] {
  const counts = new Map<number, { annotations: number; images: number }>();
  for (const r of pdb.db
    .prepare(
      `SELECT category_id AS id, count(*) AS annotations, count(DISTINCT image_id) AS images
       FROM annotations WHERE state IN ('pending','accepted') GROUP BY category_id`,
    )
    .all() as { id: number; annotations: number; images: number }[])
    counts.set(r.id, r);
  return listCategories(pdb).map((c: Category) => ({
    ...c,
    hotkey: c.hotkey ?? null,
    annotations: counts.get(c.id)?.annotations ?? 0,
    images: counts.get(c.id)?.images ?? 0,
  }));
}
