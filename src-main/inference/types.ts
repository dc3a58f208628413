/**
 * Types shared by the adapters, the engine and the worker stages. The ones that cross a
 * thread or process boundary are declared once, as zod schemas, and their types are
 * inferred from them (worker/worker-messages.ts validates messages with the same schemas).
 */
import { z } from 'zod';
import { ClassMask, Detection, ExecutionProvider, PackKind, PackManifest, type Bbox } from '../shared/contract';
import type { ImageSource, PreparedImage } from './image/pipeline';
import type { EpReport, SessionPool } from './runtime/session-pool';
import type { SamCachedResult, SamEmbedding, SamMask, SamPrompt } from './sam/sam-types';

/** What an adapter needs of a pack (the packs module's InstalledPack satisfies it). */
export const PackRef = z.object({
  manifest: PackManifest,
  /** Absolute pack folder. */
  dir: z.string(),
  /** role → absolute file path. */
  files: z.record(z.string(), z.string()),
  /** Roles whose file is absent. */
  missing: z.array(z.string()),
});
export type PackRef = z.infer<typeof PackRef>;

export const AdapterCategory = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  prompt: z.string().optional(),
  threshold: z.number().min(0).max(1).nullable().optional(),
});
export type AdapterCategory = z.infer<typeof AdapterCategory>;

export const RunOptions = z.object({
  /** GroupViT: one mask per connected component instead of one per class. */
  instances: z.boolean().optional(),
  /** Pix2seq: nucleus sampling (default) or greedy decoding. */
  decoding: z.enum(['nucleus', 'greedy']).optional(),
  /** Pix2seq: PRNG seed for nucleus sampling (default: from the image's content hash). */
  seed: z.number().int().nonnegative().optional(),
});
export type RunOptions = z.infer<typeof RunOptions>;

export const PredictionResult = z.object({
  packId: z.string(),
  kind: PackKind,
  /** Size of the (EXIF-oriented) image the coordinates refer to. */
  width: z.number().int(),
  height: z.number().int(),
  /** GLIP boxes (COCO [x, y, w, h]); empty for GroupViT. */
  detections: z.array(Detection),
  /** GroupViT masks (COCO RLE); empty for GLIP. */
  masks: z.array(ClassMask),
  ep: ExecutionProvider,
  /** sessionMs (Pix2seq): the part of inferMs + postMs spent inside session.run; the rest is the decoding loop's own work. */
  timings: z.object({ inferMs: z.number(), postMs: z.number(), sessionMs: z.number().optional() }),
  /**
   * Pix2seq: objects found whose class matches none of the categories asked for, counted per
   * class name (they are dropped, not returned).
   */
  unmatched: z.record(z.string(), z.number().int().positive()).optional(),
  /**
   * UNITER (the audit): each category's prompt text scored against the image, one ITM pass
   * each: the raw rank_logit, and the word pieces cut to fit 512 positions. No detections or masks.
   */
  scores: z.array(z.object({ categoryId: z.number().int().positive(), rankLogit: z.number(), truncatedPieces: z.number().int().nonnegative() })).optional(),
  /** UNITER: how many regions the ITM passes saw. */
  regions: z.number().int().nonnegative().optional(),
});
export type PredictionResult = z.infer<typeof PredictionResult>;

/**
 * What preprocessing a pack needs, as plain data, so another thread can prepare images
 * without loading the model (see worker/prep-stage.ts).
 */
export const PrepSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('glip'), fixed: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).optional() }),
  z.object({ kind: z.literal('groupvit') }),
  z.object({ kind: z.literal('pix2seq'), size: z.number().int().positive() }),
  /** UNITER's regions graph: BGR minus pixel means, short side 600 / long side ≤ 1000 (uniter/preprocess.ts). */
  z.object({ kind: z.literal('uniter') }),
  /** SAM: long side 1024; `nchw` = normalised and padded to 1024×1024, `hwc` = the resized raw image for an encoder that normalises itself. */
  z.object({ kind: z.literal('sam'), layout: z.enum(['nchw', 'hwc']) }),
]);
export type PrepSpec = z.infer<typeof PrepSpec>;

/** What an engine says about the pack it loaded. */
export const EngineInfo = z.object({
  packId: z.string(),
  kind: PackKind,
  displayName: z.string(),
  license: z.string(),
  fixture: z.boolean(),
  /** The execution provider the pack's sessions use. */
  ep: ExecutionProvider,
  /** Why CUDA is not in use, when it was wanted. */
  cudaUnavailable: z.string().optional(),
  /** LABELWRIGHT_EP forced the provider. */
  epForced: z.boolean(),
  /** The pack's preprocessing, so images can be prepared in another thread. */
  prep: PrepSpec,
});
export type EngineInfo = z.infer<typeof EngineInfo>;

/** One ranked category for a box a person drew (Pix2seq; MODELS.md § Pix2seq "Class suggestion"). */
export const Suggestion = z.object({ categoryId: z.number().int().nonnegative(), name: z.string(), probability: z.number().min(0).max(1) });
export type Suggestion = z.infer<typeof Suggestion>;

export interface ModelAdapter {
  readonly kind: PackKind;
  readonly epReport: EpReport;
  readonly prepSpec: PrepSpec;
  prepare(src: ImageSource): Promise<PreparedImage>;
  run(prepared: PreparedImage, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult>;
  /** Kinds that can rank categories for a given box (COCO [x, y, w, h], original pixels); no categories = all the pack's classes. */
  suggest?(prepared: PreparedImage, box: Bbox, categories: AdapterCategory[]): Promise<Suggestion[]>;
  /** Kinds that segment from prompts (SAM): one mask per prompt, all on the one image. */
  segment?(prepared: PreparedImage, prompts: SamPrompt[], fileKey?: string): Promise<SamMask[]>;
  /**
   * SAM: the prompts on an image whose embedding is cached under `fileKey` (the caller's key
   * for the file, e.g. the project's content hash), without decoding it; null when not cached.
   */
  segmentCached?(fileKey: string, prompts: SamPrompt[]): Promise<SamCachedResult | null>;
  /** SAM: computes (or finds cached) the image's embedding, so the first prompt runs only the decoder. */
  embed?(prepared: PreparedImage, fileKey?: string): Promise<SamEmbedding>;
  dispose(): Promise<void>;
}

export type AdapterFactory = (pack: PackRef, pool: SessionPool) => Promise<ModelAdapter>;
