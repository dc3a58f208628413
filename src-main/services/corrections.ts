import type { CorrectionRow, ModelCorrectionRow } from '../shared/api';
import type { Bbox } from '../shared/contract';
import type { DbHandle } from '../db/statements';
import { allCategories } from '../db/categories-table';
import { iterateCorrectionRows, type CorrectionSourceRow } from '../db/annotations-table';
import { auditCountsByCategory } from '../db/audit-reads';

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
 *
 * With a UNITER audit, each category also carries its audit flags now (db/audit-reads.ts,
 * the same counts as `audit report`): auditLikelyMissing, the images where it is likely
 * missing; auditDoubtful, the images where its annotations are doubtful.
 */
export function correctionReport(pdb: DbHandle): CorrectionRow[] {
  const rows = new Map(allCategories(pdb).map((c) => [c.id, { categoryId: c.id, name: c.name, ...emptyTally() }]));
  for (const r of iterateCorrectionRows(pdb)) {
    const row = rows.get(r.category_id);
    if (row) tally(row, r);
  }
  const audit = new Map(auditCountsByCategory(pdb).map((a) => [a.category_id, a]));
  return [...rows.values()].map((row) => ({
    ...finish(row),
    auditLikelyMissing: audit.get(row.categoryId)?.missing ?? 0,
    auditDoubtful: audit.get(row.categoryId)?.doubtful ?? 0,
  }));
}

/**
 * The same figures per model: model output counted under the pack whose run made its
 * prediction (packId null: the prediction row is gone, so the model is unknown). People's
 * annotations belong to no model and are left out. Sorted by pack id, unknown last.
 */
export function correctionReportByModel(pdb: DbHandle): ModelCorrectionRow[] {
  const rows = new Map<string | null, { packId: string | null } & Tally>();
  for (const r of iterateCorrectionRows(pdb)) {
    if (r.source === 'human') continue;
    let row = rows.get(r.pack_id);
    if (!row) rows.set(r.pack_id, (row = { packId: r.pack_id, ...emptyTally() }));
    tally(row, r);
  }
  return [...rows.values()]
    .sort((a, b) => (a.packId === null ? 1 : b.packId === null ? -1 : a.packId < b.packId ? -1 : a.packId > b.packId ? 1 : 0))
    .map(({ humanAdded: _human, ...row }) => finish(row));
}

export type Outcome = 'acceptedUnchanged' | 'edited' | 'rejected' | 'pending' | 'humanAdded';

/** The one rule the reports count by (see correctionReport; also mask-source-report.ts); null: a person's rejected annotation, counted nowhere. */
export function outcomeOf(r: Pick<CorrectionSourceRow, 'source' | 'state'>): Outcome | null {
  if (r.source === 'human') return r.state === 'rejected' ? null : 'humanAdded';
  if (r.state === 'rejected') return 'rejected';
  if (r.source === 'model-edited') return 'edited';
  return r.state === 'accepted' ? 'acceptedUnchanged' : 'pending';
}

interface Tally {
  predictions: number;
  acceptedUnchanged: number;
  edited: number;
  rejected: number;
  pending: number;
  humanAdded: number;
  iouSum: number;
  iouN: number;
}

const emptyTally = (): Tally => ({ predictions: 0, acceptedUnchanged: 0, edited: 0, rejected: 0, pending: 0, humanAdded: 0, iouSum: 0, iouN: 0 });

function tally(t: Tally, r: CorrectionSourceRow): void {
  const outcome = outcomeOf(r);
  if (!outcome) return;
  t[outcome]++;
  if (outcome !== 'humanAdded') t.predictions++;
  if (outcome === 'edited' && r.px !== null) {
    t.iouSum += boxIou([r.px, r.py!, r.pw!, r.ph!], [r.x, r.y, r.w, r.h]);
    t.iouN++;
  }
}

function finish<T extends Omit<Tally, 'humanAdded'>>({ iouSum, iouN, ...row }: T): Omit<T, 'iouSum' | 'iouN'> & { editedMeanIou: number | null } {
  return { ...row, editedMeanIou: iouN ? iouSum / iouN : null };
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
