import type { CorrectionRow } from '../shared/api';
import type { Bbox } from '../shared/contract';
import type { DbHandle } from '../db/statements';
import { allCategories } from '../db/categories-table';
import { iterateCorrectionRows } from '../db/annotations-table';

/**
 * How much people corrected the models, per category. Every annotation that came from
 * model output (source `model` or `model-edited`) counts once, under the category of its
 * prediction (what the model said; after a merge, the surviving category), or under its
 * own category when the prediction row is gone. `archived` annotations (overwritten
 * history) are left out.
 *
 * - acceptedUnchanged: source `model`, state `accepted`;
 * - edited: source `model-edited`, state `accepted` or `pending`; editedMeanIou is the
 *   mean box IoU between the prediction and the annotation's final box over those with a
 *   prediction row (a relabel alone scores 1);
 * - rejected: state `rejected`, whatever the source;
 * - pending: source `model`, state `pending`;
 * - predictions: the sum of the four above;
 * - humanAdded: source `human`, state `accepted` or `pending`.
 */
export function correctionReport(pdb: DbHandle): CorrectionRow[] {
  const cats = allCategories(pdb);
  const rows = new Map<number, CorrectionRow & { iouSum: number; iouN: number }>();
  for (const c of cats)
    rows.set(c.id, {
      categoryId: c.id,
      name: c.name,
      predictions: 0,
      acceptedUnchanged: 0,
      edited: 0,
      editedMeanIou: null,
      rejected: 0,
      pending: 0,
      humanAdded: 0,
      iouSum: 0,
      iouN: 0,
    });
  for (const r of iterateCorrectionRows(pdb)) {
    const row = rows.get(r.category_id);
    if (!row) continue;
    if (r.source === 'human') {
      if (r.state !== 'rejected') row.humanAdded++;
      continue;
    }
    row.predictions++;
    if (r.state === 'rejected') row.rejected++;
    else if (r.source === 'model-edited') {
      row.edited++;
      if (r.px !== null) {
        row.iouSum += boxIou([r.px, r.py!, r.pw!, r.ph!], [r.x, r.y, r.w, r.h]);
        row.iouN++;
      }
    } else if (r.state === 'accepted') row.acceptedUnchanged++;
    else row.pending++;
  }
  return [...rows.values()].map(({ iouSum, iouN, ...row }) => ({ ...row, editedMeanIou: iouN ? iouSum / iouN : null }));
}

/** IoU of two COCO boxes; two empty boxes at the same place count as identical. */
export function boxIou(a: Bbox, b: Bbox): number {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  if (union <= 0) return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3] ? 1 : 0;
  return inter / union;
}
