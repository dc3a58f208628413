/**
 * SAM adapter (MODELS.md § SAM): an image encoder and the official ONNX decoder export
 * (`SamOnnxModel`). The embedding of each image is kept in a small LRU by content hash, so
 * every further prompt on that image runs only the decoder; the low-res logits of recent
 * results are kept by id, so a later click on the same object feeds them as `mask_input`.
 */
import { createHash, randomUUID } from 'node:crypto';
import ort from 'onnxruntime-node';
import { LwError } from '../../shared/errors';
import { encodeMask, rleArea, rleBbox } from '../../shared/masks';
import { checkNotConsumed, prepareImage, recyclePrepared, type ImageSource, type PreparedImage } from '../image/pipeline';
import { runGraph, type LoadedGraph, type SessionPool } from '../runtime/session-pool';
import type { ModelAdapter, PackRef, PredictionResult } from '../types';
import type { Rle } from '../../shared/contract';
import { HEAD_OUTPUTS, withSamMaskHead } from './decoder-head';
import { Lru } from './lru';
import type { SamCachedResult, SamEmbedding, SamMask, SamPrompt } from './sam-types';
import { chooseMask, encodePrompt, SAM_EMBEDDING_DIMS, SAM_LOW_RES, samPlan, thresholdToRle } from './transform';

export const SAM_ROLES = ['encoder', 'decoder'] as const;

/** Embeddings kept (4 MB each): the image being edited and a few the person went back to. */
const EMBEDDINGS_KEPT = 4;
/** Low-res logits kept for `previous` (256 KB each). */
const LOW_RES_KEPT = 32;
const DECODER_OUTPUTS = ['masks', 'iou_predictions', 'low_res_masks'] as const;

function contractError(g: LoadedGraph, what: string): LwError {
  return new LwError('MODEL_LOAD_FAILED', `${g.file}: ${what}`, 'The graph does not match the SAM contract (MODELS.md § SAM); export the decoder with segment-anything’s scripts/export_onnx_model.py.');
}

/** The output names MODELS.md fixes (the generic check matches outputs by position); returns the encoder's layout. */
function checkSamGraphs(encoder: LoadedGraph, decoder: LoadedGraph): 'nchw' | 'hwc' {
  DECODER_OUTPUTS.forEach((name, i) => {
    if (decoder.outputs[i] !== name) throw contractError(decoder, `output ${i} is '${decoder.outputs[i]}'; expected '${name}' (outputs ${DECODER_OUTPUTS.join(', ')})`);
  });
  const shape = encoder.inputShapes[0];
  if (shape.length === 3) return 'hwc';
  const fixed = shape.map((d) => (typeof d === 'number' && d > 0 ? d : null));
  if (fixed[1] !== null && fixed[1] !== 3) throw contractError(encoder, `input '${encoder.inputs[0]}' has ${fixed[1]} channels; expected [1,3,1024,1024]`);
  if ((fixed[2] !== null && fixed[2] !== 1024) || (fixed[3] !== null && fixed[3] !== 1024))
    throw contractError(encoder, `input '${encoder.inputs[0]}' is [${shape.join(',')}]; expected [1,3,1024,1024]`);
  return 'nchw';
}

/** CHW values v/255 → HWC raw 0–255, for an encoder exported with its preprocessing inside (samexporter --use-preprocess). */
function toRawHwc(img: PreparedImage): ort.Tensor {
  const [, , h, w] = img.dims;
  const plane = h * w;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) for (let i = 0; i < plane; i++) out[3 * i + c] = Math.round(img.data[c * plane + i] * 255);
  return new ort.Tensor('float32', out, [h, w, 3]);
}

export async function createSamAdapter(pack: PackRef, pool: SessionPool): Promise<ModelAdapter> {
  const loaded = await pool.load(
    pack.dir,
    'sam',
    SAM_ROLES.map((role) => ({
      role,
      path: pack.files[role],
      bytes: pack.manifest.files[role]?.bytes,
      // The mask choice and threshold in the graph: only the chosen mask crosses into JavaScript (decoder-head.ts).
      ...(role === 'decoder' ? { addition: { apply: withSamMaskHead, outputs: Object.values(HEAD_OUTPUTS) } } : {}),
    })),
  );
  const { encoder, decoder } = loaded.graphs;
  let layout: 'nchw' | 'hwc';
  try {
    layout = checkSamGraphs(encoder, decoder);
  } catch (e) {
    await pool.release(pack.dir);
    throw e;
  }
  const plan = samPlan(layout);
  /** Whether the decoder loaded with the mask head (a graph it does not fit decodes in script, with the same result). */
  const withHead = decoder.added.length > 0;
  /** By cache key: the caller's (`file:` + the project's content hash of the file) or the prepared pixels' hash (`px:`). */
  const embeddings = new Lru<string, { embedding: ort.Tensor; width: number; height: number }>(EMBEDDINGS_KEPT);
  const lowRes = new Lru<string, Float32Array>(LOW_RES_KEPT);
  const noMask = new ort.Tensor('float32', new Float32Array(SAM_LOW_RES * SAM_LOW_RES), [1, 1, SAM_LOW_RES, SAM_LOW_RES]);
  let encoderRuns = 0;

  /**
   * The embedding's cache key: the caller's key for the file when it has one (known before
   * the image is decoded, so a click on an embedded image costs only the decoder), else the
   * content hash of the prepared pixels (the image after decoding, orientation and resizing).
   */
  const fileCacheKey = (fileKey: string) => `file:${fileKey}`;
  const cacheKey = (img: PreparedImage, fileKey: string | undefined) => (fileKey !== undefined ? fileCacheKey(fileKey) : `px:${pixelHash(img)}`);
  const pixelHash = (img: PreparedImage) =>
    createHash('sha256').update(new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength)).update(img.dims.join(',')).digest('hex');

  async function encode(img: PreparedImage): Promise<ort.Tensor> {
    const input = layout === 'hwc' ? toRawHwc(img) : new ort.Tensor('float32', img.data, img.dims);
    const out = await runGraph(encoder, { [encoder.inputs[0]]: input });
    encoderRuns++;
    const emb = out[encoder.outputs[0]];
    const ok = emb.dims.length === 4 && emb.dims.every((d, i) => d === SAM_EMBEDDING_DIMS[i]);
    if (!ok)
      throw new LwError(
        'INFERENCE_FAILED',
        `${encoder.file}: image_embeddings came back as [${emb.dims.join(',')}]; the SAM decoder takes [${SAM_EMBEDDING_DIMS.join(',')}]`,
        'The encoder is not a SAM image encoder for 1024×1024 input, or it does not belong with this decoder; re-export both from the same checkpoint.',
      );
    return emb;
  }

  async function decode(embedding: ort.Tensor, prompt: SamPrompt, width: number, height: number): Promise<Omit<SamMask, 'encoderRuns' | 'embeddingCached' | 'timings'> & { decodeMs: number }> {
    const { coords, labels, n } = encodePrompt(prompt, width, height);
    let maskInput = noMask;
    if (prompt.previous !== undefined) {
      const prev = lowRes.get(prompt.previous);
      if (!prev) throw new LwError('INVALID_ARGUMENT', `The previous mask ${prompt.previous} is no longer held`, 'Start the object again without `previous` (the first prompt of an object).');
      maskInput = new ort.Tensor('float32', prev, [1, 1, SAM_LOW_RES, SAM_LOW_RES]);
    }
    const feeds = {
      image_embeddings: embedding,
      point_coords: new ort.Tensor('float32', coords, [1, n, 2]),
      point_labels: new ort.Tensor('float32', labels, [1, n]),
      mask_input: maskInput,
      has_mask_input: new ort.Tensor('float32', Float32Array.of(prompt.previous !== undefined ? 1 : 0), [1]),
      orig_im_size: new ort.Tensor('float32', Float32Array.of(height, width), [2]),
    };
    const { rle, score, low, decodeMs } = withHead ? await decodeByHead(feeds, width, height) : await decodeInScript(feeds, n, width, height);
    const area = rleArea(rle);
    const maskId = randomUUID();
    lowRes.set(maskId, low);
    return { rle, bbox: area ? rleBbox(rle) : [0, 0, 0, 0], area, score, maskId, decodeMs };
  }

  type Chosen = { rle: Rle; score: number; low: Float32Array; decodeMs: number };

  const outputsError = (got: string, expected: string) =>
    new LwError('INFERENCE_FAILED', `${decoder.file}: outputs came back as ${got}; expected ${expected}`, 'Export the decoder without --return-extra-metrics (MODELS.md § SAM).');

  /** The graph chose and thresholded (decoder-head.ts): the mask arrives as bytes. */
  async function decodeByHead(feeds: Record<string, ort.Tensor>, width: number, height: number): Promise<Chosen> {
    const t0 = performance.now();
    const out = await runGraph(decoder, feeds, decoder.added);
    const decodeMs = performance.now() - t0;
    const mask = out[HEAD_OUTPUTS.mask];
    const low = out[HEAD_OUTPUTS.lowRes];
    if (mask.dims.join() !== `1,1,${height},${width}` || low.dims.join() !== `1,1,${SAM_LOW_RES},${SAM_LOW_RES}`)
      throw outputsError(`a chosen mask [${mask.dims.join(',')}] and low-res mask [${low.dims.join(',')}]`, `[1,1,${height},${width}] and [1,1,256,256] (masks [1,K,${height},${width}], low_res_masks [1,K,256,256])`);
    const rle = encodeMask({ width, height, data: mask.data as Uint8Array });
    return { rle, score: (out[HEAD_OUTPUTS.iou].data as Float32Array)[0], low: low.data as Float32Array, decodeMs };
  }

  /** A decoder the head did not fit: all K masks come back, and the choice and threshold run here. */
  async function decodeInScript(feeds: Record<string, ort.Tensor>, n: number, width: number, height: number): Promise<Chosen> {
    const t0 = performance.now();
    const out = await runGraph(decoder, feeds);
    const decodeMs = performance.now() - t0;
    const { masks, iou_predictions: iou, low_res_masks: low } = out;
    const K = masks.dims[1];
    if (masks.dims.length !== 4 || masks.dims[2] !== height || masks.dims[3] !== width || iou.dims[1] !== K || low.dims[1] !== K || low.dims[2] !== SAM_LOW_RES || low.dims[3] !== SAM_LOW_RES)
      throw outputsError(`masks [${masks.dims.join(',')}], iou_predictions [${iou.dims.join(',')}], low_res_masks [${low.dims.join(',')}]`, `[1,K,${height},${width}], [1,K], [1,K,256,256]`);
    const scores = iou.data as Float32Array;
    const k = chooseMask(scores, n);
    const rle = thresholdToRle(masks.data as Float32Array, k * width * height, width, height);
    return { rle, score: scores[k], low: (low.data as Float32Array).slice(k * SAM_LOW_RES * SAM_LOW_RES, (k + 1) * SAM_LOW_RES * SAM_LOW_RES), decodeMs };
  }

  async function decodeAll(embedding: ort.Tensor, prompts: SamPrompt[], width: number, height: number, cached: boolean, encodeMs: number): Promise<SamMask[]> {
    const results: SamMask[] = [];
    for (const prompt of prompts) {
      const t1 = performance.now();
      const { decodeMs, ...mask } = await decode(embedding, prompt, width, height);
      const postMs = performance.now() - t1 - decodeMs;
      results.push({ ...mask, encoderRuns, embeddingCached: cached, timings: { encodeMs: results.length ? 0 : encodeMs, decodeMs, postMs, chosenIn: withHead ? 'graph' : 'script' } });
    }
    return results;
  }

  return {
    kind: 'sam',
    epReport: loaded.epReport,
    prepSpec: { kind: 'sam', layout },
    prepare: (src: ImageSource) => prepareImage(src, plan),

    run(): Promise<PredictionResult> {
      throw new LwError('INVALID_ARGUMENT', `${pack.manifest.id} is a SAM pack: it segments from points or boxes, not from categories`, 'Give it prompts (predict --point/--box), or pair it with a detector in prelabel (--pack <glip or pix2seq> --pack <sam>).');
    },

    async segment(img: PreparedImage, prompts: SamPrompt[], fileKey?: string): Promise<SamMask[]> {
      checkNotConsumed(img);
      const width = img.origWidth;
      const height = img.origHeight;
      // Checked before the encoder runs: a bad click costs nothing.
      for (const p of prompts) encodePrompt(p, width, height);
      const t0 = performance.now();
      let embedding: ort.Tensor;
      let cached: boolean;
      try {
        const key = cacheKey(img, fileKey);
        const hit = embeddings.get(key);
        cached = hit !== undefined;
        embedding = hit?.embedding ?? (await encode(img));
        embeddings.set(key, { embedding, width, height });
      } finally {
        recyclePrepared(img);
      }
      return decodeAll(embedding, prompts, width, height, cached, performance.now() - t0);
    },

    /**
     * The prompts on an image whose embedding is held under `fileKey`, without its pixels (no
     * prompts: only whether it is held); null when it is not held (prepare it and call segment).
     */
    async segmentCached(fileKey: string, prompts: SamPrompt[]): Promise<SamCachedResult | null> {
      const hit = embeddings.get(fileCacheKey(fileKey));
      if (!hit) return null;
      for (const p of prompts) encodePrompt(p, hit.width, hit.height);
      return { masks: await decodeAll(hit.embedding, prompts, hit.width, hit.height, true, 0), encoderRuns };
    },

    /** The image's embedding without a prompt (`sam.prepare`): a segment call with no prompts runs only the encoder, or finds it cached. */
    async embed(this: ModelAdapter, img: PreparedImage, fileKey?: string): Promise<SamEmbedding> {
      const before = encoderRuns;
      const t0 = performance.now();
      await this.segment!(img, [], fileKey);
      return { embeddingCached: encoderRuns === before, encoderRuns, encodeMs: performance.now() - t0 };
    },

    dispose: () => pool.release(pack.dir),
  };
}
