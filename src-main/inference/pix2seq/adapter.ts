/**
 * Pix2seq adapter: an image encoder and a full-prefix decoder; MODELS.md § Pix2seq. The
 * decoder is run once per generated token on the whole prefix (O(L²) in the graph); the
 * loop's own work per step is one softmax, one nucleus cut and one draw over preallocated
 * typed arrays, and the prefix tensor is a view of one growing buffer.
 */
import { createHash } from 'node:crypto';
import ort from 'onnxruntime-node';
import type { Bbox } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import { checkCategories } from '../check-categories';
import { checkNotConsumed, pix2seqPlan, prepareImage, recyclePrepared, type ImageSource, type PreparedImage } from '../image/pipeline';
import { runGraph, type LoadedGraph, type SessionPool } from '../runtime/session-pool';
import type { AdapterCategory, ModelAdapter, PackRef, PredictionResult, RunOptions, Suggestion } from '../types';
import { argmax, classFromProbs, expInto, nucleusStep, prngFromBytes, prngFromSeed, quantise, softmaxInto, type ExpStats } from './decode';
import { readLabels } from './labels';
import { categoryForLabel, matchObjects, slotsToObjects, type DecodedSlots, type ImageGeometry } from './objects';
import { readPix2seqParams, type Pix2seqParams } from './params';

export const PIX2SEQ_ROLES = ['encoder', 'decoder', 'labels'] as const;

/** Checks the names MODELS.md fixes (the generic check matches outputs by position) and the vocabulary size. */
function checkPix2seqGraphs(encoder: LoadedGraph, decoder: LoadedGraph, p: Pix2seqParams): void {
  const fail = (g: LoadedGraph, what: string) =>
    new LwError('MODEL_LOAD_FAILED', `${g.file}: ${what}`, 'The graph does not match the Pix2seq contract (MODELS.md § Pix2seq); re-export it with those names.');
  if (encoder.outputs[0] !== 'memory') throw fail(encoder, `output '${encoder.outputs[0]}' should be named 'memory' (float32 [1,N,D])`);
  if (decoder.outputs[0] !== 'logits') throw fail(decoder, `output '${decoder.outputs[0]}' should be named 'logits' (float32 [1,L,V])`);
  const meta = decoder.session.outputMetadata.find((m) => m.name === 'logits');
  const v = meta && meta.isTensor ? meta.shape[2] : undefined;
  if (typeof v === 'number' && v > 0 && v !== p.vocabSize)
    throw fail(decoder, `output 'logits' has a vocabulary of ${v}; pack.json params.vocabSize is ${p.vocabSize}`);
  const enc = encoder.inputShapes[0];
  if (typeof enc[2] === 'number' && enc[2] > 0 && (enc[2] !== p.imageSize || enc[3] !== p.imageSize))
    throw fail(encoder, `input 'image' is ${enc.join('×')}; pack.json params.imageSize is ${p.imageSize}`);
}

export async function createPix2seqAdapter(pack: PackRef, pool: SessionPool): Promise<ModelAdapter> {
  const where = `${pack.dir}/pack.json`;
  const p = readPix2seqParams(pack.manifest.params ?? {}, where);
  const labels = await readLabels(pack.files.labels);
  const loaded = await pool.load(
    pack.dir,
    'pix2seq',
    (['encoder', 'decoder'] as const).map((role) => ({ role, path: pack.files[role], bytes: pack.manifest.files[role]?.bytes })),
  );
  const { encoder, decoder } = loaded.graphs;
  try {
    checkPix2seqGraphs(encoder, decoder, p);
  } catch (e) {
    await pool.release(pack.dir);
    throw e;
  }
  const V = p.vocabSize;
  const plan = pix2seqPlan(p.imageSize);
  const steps = 5 * p.maxInstances;
  // The loop's buffers, reused across images (runs on one adapter are sequential).
  const prefix = new BigInt64Array(steps + 1);
  const probs = new Float64Array(V);
  const sampling = new Float64Array(V);
  const scratch = new Float64Array(V);
  /** Time inside session.run during the current run. */
  let sessionMs = 0;
  /** The encoder output of the last image a suggestion was asked for (people draw several boxes on one image). */
  let memoCache: { key: string; memory: ort.Tensor } | null = null;

  function logitsOf(out: Record<string, ort.Tensor>, L: number): Float32Array {
    const t = out.logits;
    if (t.dims.length !== 3 || t.dims[1] !== L || t.dims[2] !== V)
      throw new LwError(
        'INFERENCE_FAILED',
        `${decoder.file}: output 'logits' came back as [${t.dims.join(',')}], expected [1,${L},${V}] (params.vocabSize ${V})`,
        'Set params.vocabSize in pack.json to the decoder’s vocabulary, or re-export the decoder.',
      );
    return (t.data as Float32Array).subarray((L - 1) * V, L * V);
  }

  /** The prepared image's content hash (SHA-256 of its pixels as prepared): the default seed, and the suggestions' cache key. */
  const contentHash = (img: PreparedImage) => createHash('sha256').update(new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength)).digest();

  /** Runs the encoder; the caller recycles the image (the loop may still hash it). */
  async function encode(img: PreparedImage): Promise<ort.Tensor> {
    const t0 = performance.now();
    const out = await runGraph(encoder, { image: new ort.Tensor('float32', img.data, img.dims) });
    sessionMs += performance.now() - t0;
    return out.memory;
  }

  /** Generates every slot's five tokens, one decoder call per token; `draw` is asked for a uniform number only when a step keeps several tokens. */
  async function decode(memory: ort.Tensor, draw: () => number, greedy: boolean): Promise<DecodedSlots> {
    const tokens = new Int32Array(steps);
    const classIds = new Int32Array(p.maxInstances);
    const scores = new Float32Array(p.maxInstances);
    prefix[0] = BigInt(p.taskToken);
    for (let j = 0; j < steps; j++) {
      const L = j + 1;
      const t0 = performance.now();
      const out = await runGraph(decoder, { tokens: new ort.Tensor('int64', prefix.subarray(0, L), [1, L]), memory });
      sessionMs += performance.now() - t0;
      const row = logitsOf(out, L);
      let known: ExpStats | undefined;
      if (j % 5 === 4) {
        // The class comes from the raw (temperature 1) softmax, whatever is sampled.
        const stats = expInto(row, probs);
        const c = classFromProbs(probs, p.classShift, p.coordShift, stats.sum);
        classIds[(j - 4) / 5] = c.classId;
        scores[(j - 4) / 5] = c.score;
        if (p.temperature === 1) known = stats;
      }
      const tok = greedy ? argmax(row) : known ? nucleusStep(row, probs, scratch, p.topP, 1, draw, known) : nucleusStep(row, sampling, scratch, p.topP, p.temperature, draw);
      tokens[j] = tok;
      prefix[L] = BigInt(tok);
    }
    return { tokens, classIds, scores, count: p.maxInstances };
  }

  const geometry = (img: PreparedImage): ImageGeometry => ({ origWidth: img.origWidth, origHeight: img.origHeight, ppWidth: img.ppWidth, ppHeight: img.ppHeight });

  return {
    kind: 'pix2seq',
    epReport: loaded.epReport,
    prepSpec: { kind: 'pix2seq', size: p.imageSize },
    prepare: (src: ImageSource) => prepareImage(src, plan),

    async run(img: PreparedImage, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
      checkCategories(categories);
      checkNotConsumed(img);
      const geo = geometry(img);
      const start = performance.now();
      sessionMs = 0;
      let slots: DecodedSlots;
      try {
        const memory = await encode(img);
        // Seeded lazily: a step that keeps one token needs no draw, and confident decoding
        // (the fixture, often the real model at top-p 0.4) then never hashes the image.
        let rng: (() => number) | null = null;
        const draw = () => (rng ??= opts?.seed !== undefined ? prngFromSeed(opts.seed) : prngFromBytes(contentHash(img)))();
        slots = await decode(memory, draw, opts?.decoding === 'greedy');
      } finally {
        recyclePrepared(img);
      }
      const t1 = performance.now();
      const { detections, unmatched } = matchObjects(slotsToObjects(slots, geo, p), labels, categories, p);
      const end = performance.now();
      return {
        packId: pack.manifest.id,
        kind: 'pix2seq',
        width: geo.origWidth,
        height: geo.origHeight,
        detections,
        masks: [],
        ep: loaded.epReport.ep,
        timings: { inferMs: t1 - start, postMs: end - t1, sessionMs },
        ...(Object.keys(unmatched).length ? { unmatched } : {}),
      };
    },

    async suggest(img: PreparedImage, box: Bbox, categories: AdapterCategory[]): Promise<Suggestion[]> {
      checkNotConsumed(img);
      const [x, y, w, h] = box;
      if (!(w > 0 && h > 0)) throw new LwError('INVALID_ARGUMENT', `The box [${box.join(', ')}] has no area`, 'Give a box x,y,w,h with positive width and height.');
      const geo = geometry(img);
      const key = contentHash(img).toString('hex');
      let memory: ort.Tensor;
      try {
        memory = memoCache?.key === key ? memoCache.memory : await encode(img);
      } finally {
        recyclePrepared(img);
      }
      memoCache = { key, memory };
      // Original pixels → fraction of the padded canvas (the inverse of the objects' scaling).
      const fy = geo.ppHeight / (p.imageSize * geo.origHeight);
      const fx = geo.ppWidth / (p.imageSize * geo.origWidth);
      const seq = [y * fy, x * fx, (y + h) * fy, (x + w) * fx].map((q) => quantise(q, p.coordShift, p.bins));
      const feed = BigInt64Array.from([p.taskToken, ...seq], BigInt);
      const out = await runGraph(decoder, { tokens: new ort.Tensor('int64', feed, [1, 5]), memory });
      softmaxInto(logitsOf(out, 5), probs);
      return rankSuggestions(probs, labels, categories, p);
    },

    dispose: () => pool.release(pack.dir),
  };
}

/** The asked-for categories that name a class, ranked by that class token's probability; all classes when none are asked for. */
export function rankSuggestions(probs: Float64Array | Float32Array, labels: ReadonlyMap<number, string>, categories: readonly AdapterCategory[], p: Pix2seqParams): Suggestion[] {
  const out: Suggestion[] = [];
  for (const [classId, label] of labels) {
    const t = p.classShift + classId;
    if (t >= p.coordShift) continue;
    if (!categories.length) {
      out.push({ categoryId: classId, name: label, probability: probs[t] });
      continue;
    }
    const cat = categoryForLabel(label, categories);
    if (cat && !out.some((s) => s.categoryId === cat.id)) out.push({ categoryId: cat.id, name: cat.name, probability: probs[t] });
  }
  if (categories.length && !out.length)
    throw new LwError('INVALID_ARGUMENT', `None of the categories (${categories.map((c) => c.name).join(', ')}) names a class of this pack`, `The pack's classes are in its labels.json, e.g. ${[...labels.values()].slice(0, 5).join(', ')}.`);
  return out.sort((a, b) => b.probability - a.probability);
}
