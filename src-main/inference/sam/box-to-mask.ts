/**
 * Box → mask in pre-labeling (MODELS.md § SAM "Box → mask in jobs"): the detector packs of a
 * job run first; then the sam pack is prompted with every detected box (corners labelled 2
 * and 3, no padding point, first-prompt inputs) on the one embedding of the image, and each
 * mask is attached to its detection as `mask`, as it comes (not cut to the box). The job's
 * commit then makes it the annotation's mask and takes the box from it.
 */
import type { ExecutionProvider, PackKind } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import type { AdapterCategory, PredictionResult } from '../types';
import type { SamMask, SamPrompt } from './sam-types';

/** What a job needs of an engine to run it beside a sam pack (the worker engine satisfies it). */
export interface PackEngine<P = unknown> {
  readonly info?: { kind: PackKind; packId: string; ep: ExecutionProvider };
  run(prepared: P, categories: AdapterCategory[]): Promise<PredictionResult>;
  segmentPrepared?(prepared: P, prompts: SamPrompt[]): Promise<SamMask[]>;
  release?(prepared: P): Promise<void>;
}

const DETECTORS: readonly PackKind[] = ['glip', 'pix2seq'];

/** Refuses a job whose sam pack has no detector to prompt it, or several sam packs. */
export function checkSamPacks(kinds: readonly PackKind[]): void {
  const sams = kinds.filter((k) => k === 'sam').length;
  if (!sams) return;
  if (sams > 1) throw new LwError('INVALID_ARGUMENT', 'A job takes one sam pack', 'Give one --pack of kind sam.');
  if (!kinds.some((k) => DETECTORS.includes(k)))
    throw new LwError('INVALID_ARGUMENT', 'A sam pack segments boxes: it needs a detector pack in the same job', 'Add --pack <a glip or pix2seq pack> before the sam pack.');
}

/**
 * Runs one image's packs: without a sam pack, all at once; with one, the others first, then
 * SAM on their boxes. The results keep the packs' order; the sam pack's own result has no
 * detections or masks (its masks ride on the detections).
 */
export async function runPacks<P>(engines: readonly PackEngine<P>[], handles: readonly P[], categories: AdapterCategory[]): Promise<PredictionResult[]> {
  const s = engines.findIndex((e) => e.info?.kind === 'sam');
  if (s < 0) return Promise.all(engines.map((e, k) => e.run(handles[k], categories)));
  const sam = engines[s];
  let results: (PredictionResult | null)[];
  try {
    results = await Promise.all(engines.map((e, k) => (k === s ? null : e.run(handles[k], categories))));
  } catch (e) {
    await sam.release?.(handles[s]);
    throw e;
  }
  const found = results.flatMap((r, k) => (r ? r.detections.map((d, i) => ({ k, i, box: d.bbox })) : []));
  const detector = results.find((r): r is PredictionResult => r !== null)!;
  if (found.length) {
    if (!sam.segmentPrepared) throw new LwError('INFERENCE_FAILED', 'The sam pack’s engine cannot segment prepared images');
    const masks = await sam.segmentPrepared(handles[s], found.map(({ box }) => ({ points: [], box })));
    found.forEach(({ k, i }, j) => {
      const r = results[k]!;
      r.detections[i] = { ...r.detections[i], mask: masks[j].rle };
    });
  } else await sam.release?.(handles[s]);
  results[s] = {
    packId: sam.info?.packId ?? 'sam',
    kind: 'sam',
    width: detector.width,
    height: detector.height,
    detections: [],
    masks: [],
    ep: sam.info?.ep ?? detector.ep,
    timings: { inferMs: 0, postMs: 0 },
  };
  return results as PredictionResult[];
}
