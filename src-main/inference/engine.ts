/**
 * The one high-level inference API, in process:
 *
 *   const engine = await createEngine({ pack: 'glip-fixture' });   // id, folder or InstalledPack
 *   const result = await engine.predict('photo.jpg', [{ id: 1, name: 'red' }]);
 *
 * and, to decode the next image while the current one runs:
 *
 *   let next = engine.prepare(paths[0]);
 *   for (let i = 0; i < paths.length; i++) {
 *     const prepared = await next;
 *     if (i + 1 < paths.length) next = engine.prepare(paths[i + 1]);   // sharp works on libuv threads
 *     results.push(await engine.run(prepared, categories));            // ORT works on its own threads
 *   }
 *
 * `createWorkerEngine` (worker/worker-engine.ts) offers the same interface off the calling thread.
 */
import { LwError } from '../shared/errors';
import type { ImageSource, PreparedImage } from './image/pipeline';
import { findPack } from './packs/index';
import { adapterFor } from './adapter-registry';
import { SessionPool } from './runtime/session-pool';
import type { Bbox } from '../shared/contract';
import type { AdapterCategory, EngineInfo, ModelAdapter, PackRef, PredictionResult, RunOptions, Suggestion } from './types';
import type { SamCachedResult, SamEmbedding, SamMask, SamPrompt } from './sam/sam-types';

export type { EngineInfo } from './types';

/** Common surface of the in-process and worker engines. `P` is the prepared-image handle. */
export interface InferenceEngine<P = unknown> {
  readonly info: EngineInfo;
  prepare(src: ImageSource): Promise<P>;
  run(prepared: P, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult>;
  predict(src: ImageSource, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult>;
  /** Categories ranked for a box (COCO [x, y, w, h], original pixels); kinds that can (Pix2seq). */
  suggest(src: ImageSource, box: Bbox, categories: AdapterCategory[]): Promise<Suggestion[]>;
  /** One mask per prompt on one image; kinds that can (SAM). */
  segment(src: ImageSource, prompts: SamPrompt[]): Promise<SamMask[]>;
  /** Computes (or finds cached) an image's embedding without a prompt; kinds that can (SAM). */
  embed(src: ImageSource): Promise<SamEmbedding>;
  close(): Promise<void>;
}

export interface EngineOptions {
  /** A pack id, a pack folder, or an already resolved pack. */
  pack: string | PackRef;
  /** Session pool to share; defaults to the process-wide one. */
  pool?: SessionPool;
}

let defaultPool: SessionPool | null = null;
export function sharedSessionPool(): SessionPool {
  defaultPool ??= new SessionPool();
  return defaultPool;
}

/** Resolves an id or folder through the packs module (it verifies sizes and hashes). */
export async function resolvePack(ref: string | PackRef): Promise<PackRef> {
  const pack = typeof ref === 'string' ? await findPack(ref) : ref;
  const { roles } = adapterFor(pack.manifest.kind);
  const absent = roles.filter((r) => !pack.manifest.files[r]);
  if (absent.length)
    throw new LwError('MODEL_PACK_INVALID', `pack "${pack.manifest.id}" (${pack.manifest.kind}) names no file for ${absent.join(', ')}`, `A ${pack.manifest.kind} pack needs ${roles.join(', ')}.`);
  if (pack.missing.length)
    throw new LwError(
      'MODEL_PACK_MISSING',
      `pack "${pack.manifest.id}" is missing ${pack.missing.map((r) => `${r} (${pack.files[r]})`).join(', ')}`,
      `Run \`labelwright models download ${pack.manifest.id}\` or re-import the pack.`,
    );
  return pack;
}

export class LocalEngine implements InferenceEngine<PreparedImage> {
  private constructor(
    readonly info: EngineInfo,
    private readonly adapter: ModelAdapter,
  ) {}

  static async create(opts: EngineOptions): Promise<LocalEngine> {
    const pack = await resolvePack(opts.pack);
    const adapter = await adapterFor(pack.manifest.kind).create(pack, opts.pool ?? sharedSessionPool());
    const m = pack.manifest;
    return new LocalEngine(
      {
        packId: m.id,
        kind: m.kind,
        displayName: m.displayName,
        license: m.license,
        fixture: m.fixture === true,
        ep: adapter.epReport.ep,
        cudaUnavailable: adapter.epReport.cudaUnavailable,
        epForced: adapter.epReport.forced,
        prep: adapter.prepSpec,
      },
      adapter,
    );
  }

  prepare(src: ImageSource): Promise<PreparedImage> {
    return this.adapter.prepare(src);
  }

  run(prepared: PreparedImage, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
    return this.adapter.run(prepared, categories, opts);
  }

  async predict(src: ImageSource, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
    return this.run(await this.prepare(src), categories, opts);
  }

  /** Runs a prepared image for suggestions (the worker's model stage calls this with a tensor it holds). */
  suggestPrepared(prepared: PreparedImage, box: Bbox, categories: AdapterCategory[]): Promise<Suggestion[]> {
    if (!this.adapter.suggest)
      throw new LwError('INVALID_ARGUMENT', `${this.info.packId} is a ${this.info.kind} pack, which cannot suggest categories for a box`, 'Use a pix2seq pack.');
    return this.adapter.suggest(prepared, box, categories);
  }

  async suggest(src: ImageSource, box: Bbox, categories: AdapterCategory[]): Promise<Suggestion[]> {
    return this.suggestPrepared(await this.prepare(src), box, categories);
  }

  /** Segments a prepared image (the worker's model stage calls this with a tensor it holds). */
  segmentPrepared(prepared: PreparedImage, prompts: SamPrompt[], fileKey?: string): Promise<SamMask[]> {
    if (!this.adapter.segment)
      throw new LwError('INVALID_ARGUMENT', `${this.info.packId} is a ${this.info.kind} pack, which cannot segment from points or boxes`, 'Use a sam pack.');
    return this.adapter.segment(prepared, prompts, fileKey);
  }

  /** Segments an image whose embedding is cached under `fileKey`, without its pixels; null when it is not cached. */
  async segmentCached(fileKey: string, prompts: SamPrompt[]): Promise<SamCachedResult | null> {
    return this.adapter.segmentCached ? this.adapter.segmentCached(fileKey, prompts) : null;
  }

  async segment(src: ImageSource, prompts: SamPrompt[]): Promise<SamMask[]> {
    return this.segmentPrepared(await this.prepare(src), prompts);
  }

  /** Embeds a prepared image (the worker's model stage calls this with a tensor it holds). */
  embedPrepared(prepared: PreparedImage, fileKey?: string): Promise<SamEmbedding> {
    if (!this.adapter.embed)
      throw new LwError('INVALID_ARGUMENT', `${this.info.packId} is a ${this.info.kind} pack, which has no image embedding to prepare`, 'Use a sam pack.');
    return this.adapter.embed(prepared, fileKey);
  }

  async embed(src: ImageSource): Promise<SamEmbedding> {
    return this.embedPrepared(await this.prepare(src));
  }

  /** Releases the pack's sessions. */
  close(): Promise<void> {
    return this.adapter.dispose();
  }
}

export function createEngine(opts: EngineOptions): Promise<LocalEngine> {
  return LocalEngine.create(opts);
}
