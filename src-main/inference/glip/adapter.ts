/** GLIP adapter: three graphs (backbone, text, head) + WordPiece tokenizer; MODELS.md § GLIP. */
import ort from 'onnxruntime-node';
import type { Detection } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import { checkCategories } from '../check-categories';
import { checkNotConsumed, glipPlan, prepareImage, recyclePrepared, type ImageSource, type PreparedImage } from '../image/pipeline';
import { runGraph, type SessionPool } from '../runtime/session-pool';
import type { AdapterCategory, ModelAdapter, PackRef, PredictionResult, RunOptions } from '../types';
import { DEFAULT_THRESHOLD, levelCandidates, nmsAndTop, toCocoBox, type Candidate } from './postprocess';
import { buildPrompts, phraseOf, type GlipPrompt } from './prompt';
import { GlipTokenizer } from './tokenizer';

export const GLIP_ROLES = ['backbone', 'text', 'head', 'tokenizer'] as const;
const STRIDES = [8, 16, 32, 64, 128];

export async function createGlipAdapter(pack: PackRef, pool: SessionPool): Promise<ModelAdapter> {
  const loaded = await pool.load(
    pack.dir,
    'glip',
    (['backbone', 'text', 'head'] as const).map((role) => ({ role, path: pack.files[role], bytes: pack.manifest.files[role]?.bytes })),
  );
  const tok = await GlipTokenizer.fromFile(pack.files.tokenizer);
  const { backbone, text, head } = loaded.graphs;
  const shape = backbone.inputShapes[0];
  const fixed =
    typeof shape[2] === 'number' && typeof shape[3] === 'number' && shape[2] > 0 && shape[3] > 0 ? { height: shape[2], width: shape[3] } : undefined;
  const plan = glipPlan(fixed);
  const masksType = head.session.inputMetadata.find((m) => m.name === 'masks');
  const masksDtype = masksType && masksType.isTensor ? masksType.type : 'int64';
  /** Text hidden states per caption (the caption determines them). */
  const hiddenCache = new Map<string, ort.Tensor>();

  async function hiddenFor(p: GlipPrompt): Promise<ort.Tensor> {
    const hit = hiddenCache.get(p.caption);
    if (hit) return hit;
    const out = await runGraph(text, {
      input_ids: new ort.Tensor('int64', p.inputIds, [1, p.inputIds.length]),
      attention_mask: new ort.Tensor('int64', p.attentionMask, [1, p.attentionMask.length]),
      token_type_ids: new ort.Tensor('int64', p.tokenTypeIds, [1, p.tokenTypeIds.length]),
    });
    const hidden = out[text.outputs[0]];
    if (hiddenCache.size > 64) hiddenCache.clear();
    hiddenCache.set(p.caption, hidden);
    return hidden;
  }

  function masksTensor(p: GlipPrompt): ort.Tensor {
    const n = p.attentionMask.length;
    switch (masksDtype) {
      case 'float32':
        return new ort.Tensor('float32', Float32Array.from(p.attentionMask, Number), [1, n]);
      case 'int32':
        return new ort.Tensor('int32', Int32Array.from(p.attentionMask, Number), [1, n]);
      case 'bool':
        return new ort.Tensor('bool', Uint8Array.from(p.attentionMask, Number), [1, n]);
      default:
        return new ort.Tensor('int64', p.attentionMask, [1, n]);
    }
  }

  return {
    kind: 'glip',
    epReport: loaded.epReport,
    prepSpec: fixed ? { kind: 'glip', fixed } : { kind: 'glip' },
    prepare: (src: ImageSource) => prepareImage(src, plan),
    async run(img: PreparedImage, categories: AdapterCategory[], _opts?: RunOptions): Promise<PredictionResult> {
      checkCategories(categories);
      checkNotConsumed(img);
      const t0 = performance.now();
      const prompts = buildPrompts(tok, categories);
      let feats: Record<string, ort.Tensor>;
      try {
        feats = await runGraph(backbone, { [backbone.inputs[0]]: new ort.Tensor('float32', img.data, img.dims) });
      } finally {
        recyclePrepared(img);
      }
      const featTensors = backbone.outputs.map((n) => feats[n]);
      const cands: Candidate[] = [];
      let inferMs = performance.now() - t0;
      let postMs = 0;
      let offset = 0;
      for (const p of prompts) {
        const t1 = performance.now();
        const hidden = await hiddenFor(p);
        const feeds: Record<string, ort.Tensor> = { hidden, masks: masksTensor(p) };
        featTensors.forEach((t, l) => (feeds[`feat${l}`] = t));
        const out = await runGraph(head, feeds);
        const t2 = performance.now();
        inferMs += t2 - t1;
        const o = head.outputs.map((n) => out[n]);
        for (let l = 0; l < 5; l++) {
          const reg = o[5 + l];
          const ctr = o[10 + l];
          const dot = o[15 + l];
          const [, , h, w] = reg.dims;
          const T = dot.dims[2];
          if (dot.dims[1] !== h * w || ctr.dims[2] !== h || ctr.dims[3] !== w)
            throw new LwError('INFERENCE_FAILED', `GLIP head level ${l}: output shapes disagree (regression ${reg.dims.join('×')}, centerness ${ctr.dims.join('×')}, logits ${dot.dims.join('×')})`);
          cands.push(
            ...levelCandidates(
              { stride: STRIDES[l], h, w, tokens: T, regression: reg.data as Float32Array, centerness: ctr.data as Float32Array, dotLogits: dot.data as Float32Array },
              p.tokenRanges,
              offset,
              img.ppWidth,
              img.ppHeight,
            ),
          );
        }
        offset += p.categories.length;
        postMs += performance.now() - t2;
      }
      const t3 = performance.now();
      const flat = prompts.flatMap((p) => p.categories);
      const detections: Detection[] = [];
      for (const c of nmsAndTop(cands)) {
        const cat = flat[c.label];
        if (c.score < (cat.threshold ?? DEFAULT_THRESHOLD)) continue;
        detections.push({
          categoryId: cat.id,
          bbox: toCocoBox(c.box, img.ppWidth, img.ppHeight, img.origWidth, img.origHeight),
          score: c.score,
          phrase: phraseOf(cat),
        });
      }
      postMs += performance.now() - t3;
      return {
        packId: pack.manifest.id,
        kind: 'glip',
        width: img.origWidth,
        height: img.origHeight,
        detections,
        masks: [],
        ep: loaded.epReport.ep,
        timings: { inferMs, postMs },
      };
    },
    dispose: () => pool.release(pack.dir),
  };
}
