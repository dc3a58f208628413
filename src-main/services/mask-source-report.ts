/**
 * SAM-refined against GroupViT-fused instance masks (`report.maskSources`): how people
 * treated the masks each source gave, per category, by the correction report's one rule
 * (corrections.ts `outcomeOf`).
 *
 * - sam: an annotation whose prediction is a SAM mask (a sam pack's run, prompted with a
 *   detected box); the model's mask is that prediction's.
 * - groupvit: an annotation whose prediction is a detector's box in a job whose instance
 *   masks came from GroupViT (instance-masks.ts), where the class mask cut to the box has
 *   pixels; the model's mask is that cut, worked out again from the recorded class mask
 *   exactly as the commit did.
 * Other model output (plain boxes, class masks, a person's annotations) is not counted.
 *
 * editedMeanMaskIou: the mean IoU of the model's mask with the annotation's final mask over
 * the edited ones; an annotation left without a mask counts with its box as its region.
 * Rows: one per category and source that has masks, by category id, sam first.
 */
import type { MaskSourceRow } from '../shared/api';
import type { PackKind } from '../shared/contract';
import { rleFromBbox, rleIou } from '../shared/masks';
import type { DbHandle } from '../db/statements';
import { allCategories } from '../db/categories-table';
import { iterateMaskSourceRows, jobParamsTexts, type MaskSourceSourceRow } from '../db/mask-source-reads';
import { outcomeOf } from './corrections';
import { groupvitInstanceMask, jobInstanceMasks, type InstanceMaskSource } from './instance-masks';

type Row = Omit<MaskSourceRow, 'editedMeanMaskIou'> & { iouSum: number };

export function maskSourceReport(h: DbHandle): MaskSourceRow[] {
  const names = new Map(allCategories(h).map((c) => [c.id, c.name]));
  const fusedJobs = new Set(jobParamsTexts(h).filter((j) => jobSource(j.params_json) === 'groupvit').map((j) => j.id));
  const rows = new Map<string, Row>();
  for (const r of iterateMaskSourceRows(h)) {
    const model = modelMask(r, fusedJobs);
    const name = names.get(r.category_id);
    const outcome = outcomeOf(r);
    if (!model || name === undefined || !outcome || outcome === 'humanAdded') continue;
    const key = `${r.category_id}:${model.source}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { categoryId: r.category_id, name, source: model.source, masks: 0, acceptedUnchanged: 0, edited: 0, rejected: 0, pending: 0, iouSum: 0 }));
    row.masks++;
    row[outcome]++;
    if (outcome === 'edited') {
      const size: [number, number] = [r.height, r.width];
      const final = r.rle !== null ? { size, counts: r.rle } : rleFromBbox([r.x, r.y, r.w, r.h], r.height, r.width);
      row.iouSum += rleIou({ size, counts: model.rle }, final);
    }
  }
  return [...rows.values()]
    .sort((a, b) => a.categoryId - b.categoryId || (a.source === b.source ? 0 : a.source === 'sam' ? -1 : 1))
    .map(({ iouSum, ...row }) => ({ ...row, editedMeanMaskIou: row.edited ? iouSum / row.edited : null }));
}

/** The instance mask the model gave this annotation, and its source; null when it had none. */
function modelMask(r: MaskSourceSourceRow, fusedJobs: Set<number>): { source: InstanceMaskSource; rle: string } | null {
  if (r.run_kind === 'sam') return r.prediction_rle !== null ? { source: 'sam', rle: r.prediction_rle } : null;
  if (!fusedJobs.has(r.job_id) || r.class_rle === null) return null;
  const cut = groupvitInstanceMask(r.class_rle, [r.px, r.py, r.pw, r.ph], [r.height, r.width]);
  return cut ? { source: 'groupvit', rle: cut.rle } : null;
}

/** A job's instance-mask source from its params_json; null for a row this report cannot read. */
function jobSource(paramsJson: string): InstanceMaskSource | null {
  try {
    const p = JSON.parse(paramsJson) as { packs?: { kind: PackKind }[]; fuse?: boolean; masks?: InstanceMaskSource | null };
    if (!Array.isArray(p.packs)) return null;
    return jobInstanceMasks({ packs: p.packs, fuse: p.fuse === true, masks: p.masks });
  } catch {
    return null;
  }
}
