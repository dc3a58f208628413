/**
 * The engine API off the calling thread: same surface as LocalEngine. The model runs in one
 * stage; images are decoded and normalised in a second one, because ONNX Runtime's `run`
 * blocks its thread and would otherwise hold up the next image's preparation. Prepared
 * tensors go from the preparation stage straight to the model stage; this side only names
 * them (handles) and never touches their bytes.
 *
 *   const engine = await createWorkerEngine({ pack: 'glip-fixture' });
 *   const h = await engine.prepare('a.jpg');
 *   const next = engine.prepare('b.jpg');        // decodes while `a` runs
 *   const r = await engine.run(h, categories);
 */
import type { z } from 'zod';
import { LwError } from '../../shared/errors';
import type { InferenceEngine } from '../engine';
import type { ImageSource } from '../image/pipeline';
import type { Bbox } from '../../shared/contract';
import type { AdapterCategory, EngineInfo, PackRef, PredictionResult, RunOptions, Suggestion } from '../types';
import type { SamEmbedding, SamMask, SamPrompt } from '../sam/sam-types';
import { startWorkerStages, type Endpoint, type StartStages } from './stage-endpoints';
import { ModelResult, Prepared, Reply, type ModelRequest, type PrepRequest } from './worker-messages';

export { startWorkerStages, type Endpoint, type StartStages, type Stages } from './stage-endpoints';

export interface WorkerEngineOptions {
  pack: string | PackRef;
  /** Environment for the stages (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  /** How the two stages start; default: worker threads (Electron's shell uses utility processes). */
  stages?: StartStages;
}

/** A prepared image as the client knows it: a name for the tensor waiting at the model stage, and the image's size. */
export interface PreparedHandle {
  handle: number;
  width: number;
  height: number;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** One stage and its outstanding requests, matched to replies by id. */
class Channel<Req extends { id: number }> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private dead: Error | null = null;

  constructor(
    readonly endpoint: Endpoint,
    private readonly what: string,
  ) {
    endpoint.onMessage((m: unknown) => {
      const r = Reply.safeParse(m);
      if (!r.success) return;
      const p = this.pending.get(r.data.id);
      if (!p) return;
      this.pending.delete(r.data.id);
      if (r.data.ok) p.resolve(r.data.result);
      else p.reject(new LwError(r.data.error.code, r.data.error.message, r.data.error.hint));
    });
    endpoint.onExit((e: Error) => {
      this.dead = e;
      for (const p of this.pending.values()) p.reject(this.stopped());
      this.pending.clear();
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** Sends a request and checks its reply's result against `result`. */
  async call<S extends z.ZodType>(req: WithoutId<Req>, result: S): Promise<z.infer<S>> {
    if (this.dead) throw this.stopped();
    const id = this.nextId++;
    const raw = await new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.endpoint.postMessage({ ...req, id }, []);
    });
    return result.parse(raw);
  }

  private stopped(): LwError {
    return new LwError('INFERENCE_FAILED', `The ${this.what} stopped: ${this.dead?.message}`);
  }
}

export class WorkerEngine implements InferenceEngine<PreparedHandle> {
  info!: EngineInfo;
  /** Handles prepared and not yet run or released: a prepared image is single-use. */
  private readonly live = new Set<number>();
  private nextHandle = 1;
  /** Images sent to the preparation stage (decoded and normalised) so far: what a cache keyed before decoding saves shows here. */
  readonly stats = { prepared: 0 };

  private constructor(
    private readonly prepStage: Channel<PrepRequest>,
    private readonly model: Channel<ModelRequest>,
  ) {}

  static async create(opts: WorkerEngineOptions): Promise<WorkerEngine> {
    const stages = await (opts.stages ?? startWorkerStages)(opts.env ?? process.env);
    // Both stages start while the pack loads, so the first image does not wait for its preparation stage.
    const engine = new WorkerEngine(new Channel(stages.prep, 'image preparation worker'), new Channel(stages.model, 'inference worker'));
    try {
      engine.info = await engine.model.call({ op: 'open', pack: opts.pack }, ModelResult.open);
    } catch (e) {
      await engine.terminate();
      throw e;
    }
    return engine;
  }

  async prepare(src: ImageSource): Promise<PreparedHandle> {
    const handle = this.nextHandle++;
    this.stats.prepared++;
    const size = await this.prepStage.call({ op: 'prepare', handle, spec: this.info.prep, src: toWire(src) }, Prepared);
    this.live.add(handle);
    return { handle, ...size };
  }

  async run(prepared: PreparedHandle, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
    if (!this.live.delete(prepared.handle))
      throw new LwError('INVALID_ARGUMENT', `Unknown or already used prepared image ${prepared.handle}`, 'Call prepare() again: a prepared image is single-use.');
    return this.model.call({ op: 'run', handle: prepared.handle, categories, opts }, ModelResult.run);
  }

  async predict(src: ImageSource, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
    return this.run(await this.prepare(src), categories, opts);
  }

  async suggest(src: ImageSource, box: Bbox, categories: AdapterCategory[]): Promise<Suggestion[]> {
    const prepared = await this.prepare(src);
    this.live.delete(prepared.handle);
    return this.model.call({ op: 'suggest', handle: prepared.handle, box, categories }, ModelResult.suggest);
  }

  async segment(src: ImageSource, prompts: SamPrompt[]): Promise<SamMask[]> {
    return this.segmentPrepared(await this.prepare(src), prompts);
  }

  /** Segments an image already prepared (a job's prefetched handle); the handle is used up. */
  async segmentPrepared(prepared: PreparedHandle, prompts: SamPrompt[]): Promise<SamMask[]> {
    if (!this.live.delete(prepared.handle))
      throw new LwError('INVALID_ARGUMENT', `Unknown or already used prepared image ${prepared.handle}`, 'Call prepare() again: a prepared image is single-use.');
    return this.model.call({ op: 'segment', handle: prepared.handle, prompts }, ModelResult.segment);
  }

  /**
   * SAM prompts on an image known by `key` (the caller's key for the file, e.g. the project's
   * content hash): while the model stage holds its embedding, only the decoder runs (one
   * message, the file is not read); otherwise the image is prepared and embedded under `key`.
   */
  async segmentKeyed(src: ImageSource, key: string, prompts: SamPrompt[]): Promise<SamMask[]> {
    const hit = await this.model.call({ op: 'segmentCached', key, prompts }, ModelResult.segmentCached);
    if (hit) return hit.masks;
    const prepared = await this.prepare(src);
    this.live.delete(prepared.handle);
    return this.model.call({ op: 'segment', handle: prepared.handle, prompts, key }, ModelResult.segment);
  }

  /** Computes (or finds cached) an image's SAM embedding without a prompt; with `key`, a cached one is found without decoding the image. */
  async embed(src: ImageSource, key?: string): Promise<SamEmbedding> {
    if (key !== undefined) {
      const t0 = performance.now();
      const hit = await this.model.call({ op: 'segmentCached', key, prompts: [] }, ModelResult.segmentCached);
      if (hit) return { embeddingCached: true, encoderRuns: hit.encoderRuns, encodeMs: performance.now() - t0 };
    }
    const prepared = await this.prepare(src);
    this.live.delete(prepared.handle);
    return this.model.call({ op: 'embed', handle: prepared.handle, key }, ModelResult.embed);
  }

  /** Drops a prepared image that will not be run. */
  async release(prepared: PreparedHandle): Promise<void> {
    if (!this.live.delete(prepared.handle)) return;
    // Only frees memory in the model stage: nothing to do if that stage is gone.
    await this.model.call({ op: 'release', handle: prepared.handle }, ModelResult.release).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.live.clear();
    if (this.model.alive) await this.model.call({ op: 'close' }, ModelResult.close).catch(() => undefined);
    await this.terminate();
  }

  private async terminate(): Promise<void> {
    await Promise.all([this.model.endpoint.terminate(), this.prepStage.endpoint.terminate()]);
  }
}

const toWire = (src: ImageSource) => (typeof src === 'string' ? src : new Uint8Array(src.buffer, src.byteOffset, src.byteLength));

export function createWorkerEngine(opts: WorkerEngineOptions): Promise<WorkerEngine> {
  return WorkerEngine.create(opts);
}
