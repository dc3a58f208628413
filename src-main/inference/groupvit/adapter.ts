/** GroupViT adapter: image + text graphs, CLIP BPE tokenizer; MODELS.md § GroupViT. */
import ort from 'onnxruntime-node';
import { LwError } from '../../shared/errors';
import { checkCategories } from '../check-categories';
import { checkNotConsumed, groupvitPlan, prepareImage, recyclePrepared, type ImageSource, type PreparedImage } from '../image/pipeline';
import { runGraph, type SessionPool } from '../runtime/session-pool';
import type { AdapterCategory, ModelAdapter, PackRef, PredictionResult, RunOptions } from '../types';
import { classMasks, groupAffinity, groupMap, labelRuns, normaliseRows } from './postprocess';
import { ClipTokenizer, CLIP_CONTEXT } from './tokenizer';

export const GROUPVIT_ROLES = ['image', 'text', 'tokenizer'] as const;
export const DEFAULT_TEMPLATES = ['a photo of a {}.'];
/** Used when the manifest has no params.logitScale (the yfcc weights' value). */
export const DEFAULT_LOGIT_SCALE = 4.2057;

const phrase = (c: AdapterCategory) => (c.prompt?.trim() ? c.prompt.trim() : c.name.trim());

export async function createGroupvitAdapter(pack: PackRef, pool: SessionPool): Promise<ModelAdapter> {
  const loaded = await pool.load(
    pack.dir,
    'groupvit',
    (['image', 'text'] as const).map((role) => ({ role, path: pack.files[role], bytes: pack.manifest.files[role]?.bytes })),
  );
  const tok = await ClipTokenizer.fromFile(pack.files.tokenizer);
  const { image, text } = loaded.graphs;
  const params = pack.manifest.params ?? {};
  const logitScale = typeof params.logitScale === 'number' ? params.logitScale : DEFAULT_LOGIT_SCALE;
  const templates =
    Array.isArray(params.templates) && params.templates.every((t) => typeof t === 'string' && t.includes('{}')) && params.templates.length
      ? (params.templates as string[])
      : DEFAULT_TEMPLATES;
  /** L2-normalised text embeddings [N,D] per category set (keyed by the phrases). */
  const textCache = new Map<string, { emb: Float32Array; D: number }>();

  async function textEmbeddings(categories: AdapterCategory[]): Promise<{ emb: Float32Array; D: number }> {
    const key = JSON.stringify(categories.map(phrase));
    const hit = textCache.get(key);
    if (hit) return hit;
    const N = categories.length;
    const T = templates.length;
    const ids = new BigInt64Array(N * T * CLIP_CONTEXT);
    categories.forEach((c, n) =>
      templates.forEach((tpl, t) => {
        const row = tok.encode(tpl.replaceAll('{}', phrase(c)));
        const base = (n * T + t) * CLIP_CONTEXT;
        row.forEach((v, i) => (ids[base + i] = BigInt(v)));
      }),
    );
    const out = await runGraph(text, { [text.inputs[0]]: new ort.Tensor('int64', ids, [N, T, CLIP_CONTEXT]) });
    const t = out[text.outputs[0]];
    if (t.dims.length !== 2 || t.dims[0] !== N)
      throw new LwError('INFERENCE_FAILED', `${text.file}: text embeddings came back as ${t.dims.join('×')}, expected [${N}, D]`);
    const D = t.dims[1];
    const res = { emb: normaliseRows(Float32Array.from(t.data as Float32Array), N, D), D };
    if (textCache.size > 32) textCache.clear();
    textCache.set(key, res);
    return res;
  }

  return {
    kind: 'groupvit',
    epReport: loaded.epReport,
    prepSpec: { kind: 'groupvit' },
    prepare: (src: ImageSource) => prepareImage(src, groupvitPlan),
    async run(img: PreparedImage, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
      checkCategories(categories);
      checkNotConsumed(img);
      const t0 = performance.now();
      const { emb, D } = await textEmbeddings(categories);
      let out: Record<string, ort.Tensor>;
      try {
        out = await runGraph(image, { [image.inputs[0]]: new ort.Tensor('float32', img.data, img.dims) });
      } finally {
        recyclePrepared(img);
      }
      const [attnT, groupedT, avgT] = image.outputs.slice(0, 3).map((n) => out[n]);
      const t1 = performance.now();
      const [Hp, Wp, G] = attnT.dims;
      if (groupedT.dims[0] !== G || groupedT.dims[1] !== D || avgT.dims[avgT.dims.length - 1] !== D)
        throw new LwError(
          'INFERENCE_FAILED',
          `${image.file}: output shapes disagree (attn_map ${attnT.dims.join('×')}, grouped ${groupedT.dims.join('×')}, average ${avgT.dims.join('×')}, text D=${D})`,
        );
      const grouped = normaliseRows(Float32Array.from(groupedT.data as Float32Array), G, D);
      const avg = normaliseRows(Float32Array.from(avgT.data as Float32Array), 1, D);
      const aff = groupAffinity(grouped, emb, avg, G, categories.length, D, logitScale);
      const [, , H, W] = img.dims;
      const gid = groupMap(attnT.data as Float32Array, Hp, Wp, G, H, W);
      const runs = labelRuns(gid, H, W, img.origHeight, img.origWidth, aff);
      const masks = classMasks(runs, aff, categories, img.origHeight, img.origWidth, opts?.instances === true);
      return {
        packId: pack.manifest.id,
        kind: 'groupvit',
        width: img.origWidth,
        height: img.origHeight,
        detections: [],
        masks,
        ep: loaded.epReport.ep,
        timings: { inferMs: t1 - t0, postMs: performance.now() - t1 },
      };
    },
    dispose: () => pool.release(pack.dir),
  };
}
