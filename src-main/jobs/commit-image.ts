import type { ProjectDb } from '../db/project-db';
import type { PredictionResult } from '../inference/types';
import { rleArea, rleBbox } from '../shared/masks';
import { groupvitInstanceMask, jobInstanceMasks } from '../services/instance-masks';
import { maskGeometry, roundBox, roundCoord } from '../shared/annotation-rules';
import { annotationWriter, archiveWorkingAnnotations, insertPrediction } from '../db/annotations-table';
import { humanTouchedAt, markImagePrelabeled } from '../db/images-table';
import { addDroppedClasses, itemClaim, setItemState } from '../db/jobs-table';
import type { JobParams } from './job-params';
import { commitAudit } from './commit-audit';

export interface ImageOutcome {
  /** 'refused': the item was not this committer's to write (see commitImage); nothing was written. */
  state: 'done' | 'skipped' | 'refused';
  reason?: string;
  predictions: number;
  annotations: number;
}

interface NewPrediction {
  runId: number;
  categoryId: number;
  bbox: [number, number, number, number];
  rle: string | null;
  area: number;
  score: number;
  phrase: string;
  kind: 'box' | 'mask';
  /** A segmenter's (SAM's) mask for the box prediction at this index: it becomes that box's annotation mask. */
  instanceOf?: number;
}

/**
 * Writes one image's model output and its item state in ONE transaction, so a crash
 * loses at most the image in flight and a resumed job never duplicates rows.
 *
 * Predictions are always recorded (they are the immutable record of what the model said).
 * They become annotations only when no person has touched the image, or when the job
 * says `overwriteHuman`; then the previous working annotations are archived, not deleted.
 *
 * Who may commit (checked in the same transaction as the writes, so it is never applied twice):
 * - `owner` = a worker's id (worker-identity.ts): only while that worker holds the claim on
 *   the pending item. A worker that stalled past the stale limit lost its claim; its late
 *   commit is refused.
 * - `owner` = null, results from elsewhere (a shard merged back): only when the item is
 *   pending and no worker holds it, or failed.
 * Otherwise the outcome is 'refused' and nothing is written.
 */
export function commitImage(
  pdb: ProjectDb,
  jobId: number,
  params: JobParams,
  image: { imageId: number; width: number; height: number },
  results: PredictionResult[],
  owner: string | null,
): ImageOutcome {
  // An audit stores scores only (commit-audit.ts), under the same claim rules.
  if (params.mode === 'audit') return commitAudit(pdb, jobId, params, image, results, owner);
  const preds = collectPredictions(params, image, results);
  return pdb.tx(() => {
    const refusal = refusalOf(itemClaim(pdb, jobId, image.imageId), owner);
    if (refusal) return { state: 'refused', reason: refusal, predictions: 0, annotations: 0 };
    const now = Date.now();
    const ids = preds.map((p) => insertPrediction(pdb, { ...p, imageId: image.imageId }, now));

    const touched = humanTouchedAt(pdb, image.imageId);
    let outcome: ImageOutcome & { state: 'done' | 'skipped' };
    if (touched !== null && !params.overwriteHuman) {
      outcome = { state: 'skipped', reason: 'edited by a person: predictions recorded but not applied (use --overwrite-human)', predictions: ids.length, annotations: 0 };
    } else {
      archiveWorkingAnnotations(pdb, image.imageId, params.overwriteHuman, now);
      const writer = annotationWriter(pdb);
      const applied = toAnnotations(params, preds, ids, [image.height, image.width]);
      for (const a of applied) writer.insert({ imageId: image.imageId, ...a, source: 'model', state: 'pending' });
      writer.finish();
      markImagePrelabeled(pdb, image.imageId, now);
      outcome = { state: 'done', predictions: ids.length, annotations: applied.length };
    }
    setItemState(pdb, jobId, image.imageId, outcome.state, { error: outcome.reason ?? null, attempt: true, now });
    // Classes the model found that match no category: counted here, with the item's state, so
    // each image counts once however the job is resumed, shared or merged.
    for (const r of results) if (r.unmatched) addDroppedClasses(pdb, jobId, r.unmatched);
    return outcome;
  });
}

/** Why `owner` may not commit the item now (the rule above; commit-audit.ts applies it too); null when it may. */
export function refusalOf(item: { state: string; owner: string | null } | undefined, owner: string | null): string | null {
  if (!item) return 'the image is not an item of this job';
  if (owner !== null) {
    if (item.state === 'pending' && item.owner === owner) return null;
    return item.state !== 'pending'
      ? `the item is already ${item.state}`
      : `this worker's claim was taken back (its heartbeat went stale)${item.owner ? '; another worker holds the item now' : ''}`;
  }
  if ((item.state === 'pending' && item.owner === null) || item.state === 'failed') return null;
  return item.state === 'pending' ? 'a worker holds the item' : `the item is already ${item.state}`;
}

function collectPredictions(params: JobParams, image: { width: number; height: number }, results: PredictionResult[]): NewPrediction[] {
  const out: NewPrediction[] = [];
  results.forEach((r, k) => {
    const runId = params.packs[k].runId;
    // Adding and pre-labelling size an image with the same probe (image/probe.ts), so a
    // mismatch means the file at this path is no longer the one that was added; its boxes
    // and masks would not fit the recorded image.
    if (r.width !== image.width || r.height !== image.height)
      throw new Error(`model saw ${r.width}×${r.height} but the project records ${image.width}×${image.height}: the file changed since it was added`);
    // Coordinates are recorded at the stored precision (1/100 px); a mask is exact, and its
    // box and area are the mask's own, whatever the model reported next to it.
    for (const d of r.detections) {
      const bbox = roundBox(d.bbox);
      out.push({ runId, categoryId: d.categoryId, bbox, rle: null, area: roundCoord(bbox[2] * bbox[3]), score: d.score, phrase: d.phrase, kind: 'box' });
      // SAM's mask for this box, recorded under the sam pack's run with the mask's own box and area (an empty mask leaves the box alone).
      if (d.mask && rleArea(d.mask) > 0) {
        const m = maskGeometry(d.mask, image.width, image.height, `the mask for a ${d.phrase} box`);
        const samRun = params.packs.find((p) => p.kind === 'sam')?.runId ?? runId;
        out.push({ runId: samRun, categoryId: d.categoryId, bbox: m.bbox, rle: m.rle.counts, area: m.area, score: d.score, phrase: d.phrase, kind: 'mask', instanceOf: out.length - 1 });
      }
    }
    for (const m of r.masks) {
      const name = params.categories.find((c) => c.id === m.categoryId)?.name ?? '';
      out.push({ runId, categoryId: m.categoryId, bbox: rleBbox(m.rle), rle: m.rle.counts, area: rleArea(m.rle), score: m.score, phrase: name, kind: 'mask' });
    }
  });
  return out;
}

interface NewAnnotation {
  categoryId: number;
  bbox: [number, number, number, number];
  rle: string | null;
  area: number;
  predictionId: number;
  score: number;
}

/**
 * Which predictions become annotations, by the job's instance-mask source
 * (services/instance-masks.ts):
 * - none: every prediction (detector boxes as instances, GroupViT masks as class masks);
 * - `sam`: a box with a SAM mask of its own (`instanceOf`) takes that mask as it comes, with
 *   the mask's box and area; a box whose SAM mask was empty stays a plain box;
 * - `groupvit`: each box of class c takes the class-c mask cut to the box, its box and area
 *   refined from the cut; SAM's masks, when a sam pack ran too, stay predictions only.
 * With either source, GroupViT's class masks stay predictions only on an image that has
 * boxes; on an image where the detector found nothing they are its annotations, as `--fuse`
 * always did.
 */
function toAnnotations(params: JobParams, preds: NewPrediction[], ids: number[], size: [number, number]): NewAnnotation[] {
  const source = jobInstanceMasks(params);
  const instance = new Map<number, number>();
  if (source === 'sam')
    preds.forEach((p, j) => {
      if (p.instanceOf !== undefined) instance.set(p.instanceOf, j);
    });
  const isClassMask = (p: NewPrediction) => p.kind === 'mask' && p.instanceOf === undefined;
  const classMasksArePredictions = source !== null && preds.some((p) => p.kind === 'box');
  const classMasks = new Map<number, NewPrediction>();
  if (source === 'groupvit') for (const p of preds) if (isClassMask(p)) classMasks.set(p.categoryId, p);
  const out: NewAnnotation[] = [];
  preds.forEach((p, i) => {
    if (p.instanceOf !== undefined) return; // SAM's mask: carried by its box, or a prediction only
    if (classMasksArePredictions && isClassMask(p)) return;
    if (p.kind === 'mask' && p.area === 0) return; // an empty class mask stays a prediction: an annotation's mask has pixels
    const own = instance.get(i);
    if (own !== undefined) {
      const m = preds[own];
      out.push({ categoryId: p.categoryId, bbox: m.bbox, rle: m.rle, area: m.area, predictionId: ids[own], score: p.score });
      return;
    }
    const classMask = p.kind === 'box' ? classMasks.get(p.categoryId) : undefined;
    const fused = classMask?.rle ? groupvitInstanceMask(classMask.rle, p.bbox, size) : null;
    out.push({ categoryId: p.categoryId, ...(fused ?? { bbox: p.bbox, rle: p.rle, area: p.area }), predictionId: ids[i], score: p.score });
  });
  return out;
}
