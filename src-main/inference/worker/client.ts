/**
 * The engine API off the calling thread: same surface as LocalEngine, with prepared images
 * kept in the worker and named by handle.
 *
 *   const engine = await createWorkerEngine({ pack: 'glip-fixture' });
 *   const h = await engine.prepare('a.jpg');
 *   const next = engine.prepare('b.jpg');        // decodes while `a` runs
 *   const r = await engine.run(h, categories);
 */
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import type { EngineInfo, InferenceEngine } from '../engine';
import type { ImageSource } from '../image/pipeline';
import type { AdapterCategory, PackRef, PredictionResult, RunOptions } from '../types';
import { EngineInfoSchema, PredictionResultSchema, PreparedHandle, Response } from './protocol';

export interface WorkerEngineOptions {
  pack: string | PackRef;
  /** Environment for the worker (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
}

/** Where the worker entry lives: the tsx bootstrap when running from sources, else the built thread.js. */
export function workerEntry(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./bootstrap.mjs', import.meta.url) : new URL('./thread.js', import.meta.url);
}

export class WorkerEngine implements InferenceEngine<PreparedHandle> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private dead: Error | null = null;
  info!: EngineInfo;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: unknown) => {
      const r = Response.safeParse(m);
      if (!r.success) return;
      const p = this.pending.get(r.data.id);
      if (!p) return;
      this.pending.delete(r.data.id);
      if (r.data.ok) p.resolve(r.data.result);
      else p.reject(new LwError(r.data.error.code as ErrorCode, r.data.error.message, r.data.error.hint));
    });
    const fail = (e: Error) => {
      this.dead = e;
      for (const p of this.pending.values()) p.reject(new LwError('INFERENCE_FAILED', `The inference worker stopped: ${e.message}`));
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  static async create(opts: WorkerEngineOptions): Promise<WorkerEngine> {
    const worker = new Worker(workerEntry(), { env: opts.env ?? process.env });
    const engine = new WorkerEngine(worker);
    try {
      engine.info = EngineInfoSchema.parse(await engine.call({ op: 'open', pack: opts.pack }));
    } catch (e) {
      await worker.terminate();
      throw e;
    }
    return engine;
  }

  private call(req: Record<string, unknown>): Promise<unknown> {
    if (this.dead) return Promise.reject(new LwError('INFERENCE_FAILED', `The inference worker stopped: ${this.dead.message}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  async prepare(src: ImageSource): Promise<PreparedHandle> {
    return PreparedHandle.parse(await this.call({ op: 'prepare', src: toWire(src) }));
  }

  async run(prepared: PreparedHandle, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
    return asResult(await this.call({ op: 'run', handle: prepared.handle, categories, opts }));
  }

  async predict(src: ImageSource, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
    return asResult(await this.call({ op: 'predict', src: toWire(src), categories, opts }));
  }

  /** Drops a prepared image that will not be run. */
  async release(prepared: PreparedHandle): Promise<void> {
    await this.call({ op: 'release', handle: prepared.handle });
  }

  async close(): Promise<void> {
    if (!this.dead) await this.call({ op: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }
}

const asResult = (v: unknown) => PredictionResultSchema.parse(v) as PredictionResult;
const toWire = (src: ImageSource) => (typeof src === 'string' ? src : new Uint8Array(src.buffer, src.byteOffset, src.byteLength));

export function createWorkerEngine(opts: WorkerEngineOptions): Promise<WorkerEngine> {
  return WorkerEngine.create(opts);
}
