/**
 * UNITER image–text matching on one pack: `regions(image)` runs the detector graph once and
 * keeps the selected regions with their features and position features; `score(regions, text)`
 * runs one ITM pass. The region set is plain data, so callers can cache it (search does, per
 * image content) and score many texts against it without the detector.
 */
import ort from 'onnxruntime-node';
import { LwError } from '../../shared/errors';
import { checkNotConsumed, recyclePrepared, type ImageSource, type PreparedImage } from '../image/pipeline';
import { runGraph, type EpReport, type LoadedGraph, type SessionPool } from '../runtime/session-pool';
import type { PackRef } from '../types';
import { itmText } from './itm-inputs';
import { prepareForRegions } from './preprocess';
import { positionFeatures, selectRegions } from './regions';
import { UniterTokenizer } from './tokenizer';

/** The kept regions of one image, best first. Boxes are [x1, y1, x2, y2] in original pixels. */
export interface RegionSet {
  width: number;
  height: number;
  count: number;
  /** Feature size D (2048 for BUTD). */
  dim: number;
  boxes: Float32Array;
  scores: Float32Array;
  features: Float32Array;
}

export interface ItmScore {
  text: string;
  /** The raw ITM logit: UNITER's match score. */
  rankLogit: number;
  /** Word pieces cut to keep T + B ≤ 512. */
  truncatedPieces: number;
}

export interface UniterScorer {
  readonly epReport: EpReport;
  /** Set when the pack's tokenizer lowercases (UNITER is cased). */
  readonly tokenizerWarning?: string;
  regions(src: ImageSource): Promise<RegionSet>;
  /** The same from an image already prepared for the regions graph (prepareForRegions); consumes it. */
  regionsOf(img: PreparedImage): Promise<RegionSet>;
  score(regions: RegionSet, text: string): Promise<ItmScore>;
  dispose(): Promise<void>;
}

/** Output names MODELS.md fixes (the generic check matches outputs by position). */
function checkUniterGraphs(regions: LoadedGraph, itm: LoadedGraph): void {
  const fail = (g: LoadedGraph, what: string) =>
    new LwError('MODEL_LOAD_FAILED', `${g.file}: ${what}`, 'The graph does not match the UNITER contract (MODELS.md § UNITER); re-export it with those names.');
  const want = ['boxes', 'scores', 'features'];
  want.forEach((name, i) => {
    if (regions.outputs[i] !== name) throw fail(regions, `output ${i} is '${regions.outputs[i]}', expected '${name}' (outputs: ${want.join(', ')})`);
  });
  if (itm.outputs[0] !== 'rank_logit') throw fail(itm, `output '${itm.outputs[0]}' should be named 'rank_logit' (float32 [1,1])`);
}

export async function createUniterScorer(pack: PackRef, pool: SessionPool): Promise<UniterScorer> {
  const tokenizer = await UniterTokenizer.fromFile(pack.files.tokenizer);
  const loaded = await pool.load(
    pack.dir,
    'uniter',
    (['regions', 'itm'] as const).map((role) => ({ role, path: pack.files[role], bytes: pack.manifest.files[role]?.bytes })),
  );
  const { regions: detector, itm } = loaded.graphs;
  try {
    checkUniterGraphs(detector, itm);
  } catch (e) {
    await pool.release(pack.dir);
    throw e;
  }

  async function regions(src: ImageSource): Promise<RegionSet> {
    return regionsOf(await prepareForRegions(src));
  }

  async function regionsOf(img: PreparedImage): Promise<RegionSet> {
    checkNotConsumed(img);
    let out: Record<string, ort.Tensor>;
    try {
      out = await runGraph(detector, { image: new ort.Tensor('float32', img.data, img.dims) });
    } finally {
      recyclePrepared(img);
    }
    const { boxes, scores, features } = out;
    const R = scores.dims[0] ?? 0;
    const D = features.dims[1] ?? 0;
    if (scores.dims.length !== 1 || boxes.dims.join() !== `${R},4` || features.dims.length !== 2 || features.dims[0] !== R)
      throw new LwError(
        'INFERENCE_FAILED',
        `${detector.file}: outputs came back as boxes [${boxes.dims.join(',')}], scores [${scores.dims.join(',')}], features [${features.dims.join(',')}]; expected [R,4], [R], [R,D]`,
        'Re-export the regions graph with the contract of MODELS.md § UNITER.',
      );
    const keep = selectRegions(scores.data as Float32Array);
    const B = keep.length;
    // Input pixels → original pixels, per axis (as detectron2's detector_postprocess).
    const sx = img.origWidth / img.ppWidth;
    const sy = img.origHeight / img.ppHeight;
    const b = boxes.data as Float32Array;
    const f = features.data as Float32Array;
    const kept = { boxes: new Float32Array(4 * B), scores: new Float32Array(B), features: new Float32Array(B * D) };
    keep.forEach((r, k) => {
      kept.boxes.set([b[4 * r] * sx, b[4 * r + 1] * sy, b[4 * r + 2] * sx, b[4 * r + 3] * sy], 4 * k);
      kept.scores[k] = (scores.data as Float32Array)[r];
      kept.features.set(f.subarray(r * D, (r + 1) * D), k * D);
    });
    return { width: img.origWidth, height: img.origHeight, count: B, dim: D, ...kept };
  }

  async function score(set: RegionSet, text: string): Promise<ItmScore> {
    const { ids } = tokenizer.wordPieces(text);
    const t = itmText(ids, tokenizer.clsId, tokenizer.sepId, set.count);
    const T = t.inputIds.length;
    const all = Array.from({ length: set.count }, (_, i) => i);
    const out = await runGraph(itm, {
      input_ids: new ort.Tensor('int64', t.inputIds, [1, T]),
      position_ids: new ort.Tensor('int64', t.positionIds, [1, T]),
      img_feat: new ort.Tensor('float32', set.features, [1, set.count, set.dim]),
      img_pos_feat: new ort.Tensor('float32', positionFeatures(set.boxes, all, set.width, set.height), [1, set.count, 7]),
      attention_mask: new ort.Tensor('int64', t.attentionMask, [1, T + set.count]),
    });
    const logit = out.rank_logit;
    if (logit.data.length !== 1)
      throw new LwError('INFERENCE_FAILED', `${itm.file}: output 'rank_logit' came back as [${logit.dims.join(',')}], expected [1,1]`, 'Re-export the ITM graph for one image–text pair.');
    return { text, rankLogit: (logit.data as Float32Array)[0], truncatedPieces: t.truncated };
  }

  return {
    epReport: loaded.epReport,
    ...(tokenizer.warning ? { tokenizerWarning: tokenizer.warning } : {}),
    regions,
    regionsOf,
    score,
    dispose: () => pool.release(pack.dir),
  };
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
