/** Types shared by the adapters, the engine and the worker. */
import type { ClassMask, Detection, ExecutionProvider, PackKind, PackManifest } from '../shared/contract';
import type { ImageSource, PreparedImage } from './image/pipeline';
import type { EpReport, SessionPool } from './runtime/session-pool';

/** What an adapter needs of a pack (the packs module's InstalledPack satisfies it). */
export interface PackRef {
  manifest: PackManifest;
  /** Absolute pack folder. */
  dir: string;
  /** role → absolute file path. */
  files: Record<string, string>;
  /** Roles whose file is absent. */
  missing: string[];
}

export interface AdapterCategory {
  id: number;
  name: string;
  prompt?: string;
  threshold?: number | null;
}

export interface RunOptions {
  /** GroupViT: one mask per connected component instead of one per class. */
  instances?: boolean;
}

export interface PredictionResult {
  packId: string;
  kind: PackKind;
  /** Size of the (EXIF-oriented) image the coordinates refer to. */
  width: number;
  height: number;
  /** GLIP boxes (COCO [x, y, w, h]); empty for GroupViT. */
  detections: Detection[];
  /** GroupViT masks (COCO RLE); empty for GLIP. */
  masks: ClassMask[];
  ep: ExecutionProvider;
  timings: { inferMs: number; postMs: number };
}

/**
 * What preprocessing a pack needs, as plain data, so another thread can prepare images
 * without loading the model (see worker/prep-thread.ts).
 */
export type PrepSpec = { kind: 'glip'; fixed?: { width: number; height: number } } | { kind: 'groupvit' };

export interface ModelAdapter {
  readonly kind: PackKind;
  readonly epReport: EpReport;
  readonly prepSpec: PrepSpec;
  prepare(src: ImageSource): Promise<PreparedImage>;
  run(prepared: PreparedImage, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult>;
  dispose(): Promise<void>;
}

export type AdapterFactory = (pack: PackRef, pool: SessionPool) => Promise<ModelAdapter>;
