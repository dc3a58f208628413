/** A Pix2seq pack's `params` (MODELS.md § Pix2seq), defaults from upstream's COCO fine-tuning config. */
import { LwError } from '../../shared/errors';

export interface Pix2seqParams {
  /** S: the encoder's square input size. */
  imageSize: number;
  /** V: the decoder's vocabulary size (last dimension of `logits`). */
  vocabSize: number;
  bins: number;
  coordShift: number;
  classShift: number;
  taskToken: number;
  maxInstances: number;
  topP: number;
  temperature: number;
  scoreThreshold: number;
  /** Per-class NMS IoU; upstream applies none. */
  nmsIou?: number;
}

export const DEFAULT_PIX2SEQ_PARAMS: Readonly<Pix2seqParams> = {
  imageSize: 640,
  vocabSize: 3000,
  bins: 1000,
  coordShift: 1000,
  classShift: 100,
  taskToken: 10,
  maxInstances: 100,
  topP: 0.4,
  temperature: 1,
  scoreThreshold: 0.5,
};

const INTEGER_KEYS = ['imageSize', 'vocabSize', 'bins', 'coordShift', 'classShift', 'taskToken', 'maxInstances'] as const;

/** Reads and checks `params`; `where` names the manifest in errors. */
export function readPix2seqParams(raw: Record<string, unknown>, where: string): Pix2seqParams {
  const p: Pix2seqParams = { ...DEFAULT_PIX2SEQ_PARAMS };
  const bad = (key: string, what: string) =>
    new LwError('MODEL_PACK_INVALID', `${where}: params.${key} ${what}`, 'Fix pack.json (MODELS.md § Pix2seq lists the params and their defaults).');
  for (const key of INTEGER_KEYS) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(key, `must be a non-negative integer, got ${JSON.stringify(v)}`);
    p[key] = v;
  }
  for (const key of ['topP', 'temperature', 'scoreThreshold', 'nmsIou'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(key, `must be a number, got ${JSON.stringify(v)}`);
    p[key] = v;
  }
  if (!(p.topP > 0 && p.topP <= 1)) throw bad('topP', `must be in (0, 1], got ${p.topP}`);
  if (!(p.temperature > 0)) throw bad('temperature', `must be positive, got ${p.temperature}`);
  if (!(p.scoreThreshold >= 0 && p.scoreThreshold <= 1)) throw bad('scoreThreshold', `must be in [0, 1], got ${p.scoreThreshold}`);
  if (p.bins < 2) throw bad('bins', `must be at least 2, got ${p.bins}`);
  if (p.imageSize < 1 || p.maxInstances < 1) throw bad(p.imageSize < 1 ? 'imageSize' : 'maxInstances', 'must be at least 1');
  if (!(p.classShift < p.coordShift)) throw bad('classShift', `(${p.classShift}) must be below coordShift (${p.coordShift})`);
  if (p.coordShift + p.bins > p.vocabSize) throw bad('vocabSize', `(${p.vocabSize}) must hold coordShift + bins = ${p.coordShift + p.bins} tokens`);
  if (p.taskToken >= p.vocabSize) throw bad('taskToken', `(${p.taskToken}) must be below vocabSize (${p.vocabSize})`);
  return p;
}
