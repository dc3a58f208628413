/**
 * The engine API off the calling thread: same surface as LocalEngine. The model runs in
 * one worker; images are decoded and normalised in a second one, because ONNX Runtime's
 * `run` blocks its thread and would otherwise hold up the next image's preparation.
 * Prepared tensors are held here by handle and move between threads without copies.
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
import { EngineInfoSchema, PredictionResultSchema, PreparedTensorSchema, Response, type PreparedHandle, type PreparedTensor } from './protocol';

/**
 * Where requests go: a worker thread here; Electron's shell plugs in a utilityProcess for
 * the model (src-main/app/utility-endpoint.ts), so native crashes cannot take the app down.
 */
export interface Endpoint {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (why: Error) => void): void;
  terminate(): Promise<void>;
}

export function workerEndpoint(entry: URL, env: NodeJS.ProcessEnv): Endpoint {
  const worker = new Worker(entry, { env });
  return {
    postMessage: (m, transfer) => worker.postMessage(m, transfer),
    onMessage: (l) => worker.on('message', l),
    onExit: (l) => {
      worker.on('error', l);
      worker.on('exit', (code) => l(new Error(`exit code ${code}`)));
    },
    terminate: async () => {
      await worker.terminate();
    },
  };
}

export interface WorkerEngineOptions {
  pack: string | PackRef;
  /** Environment for the workers (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  /** Where the model runs; default: a worker thread. */
  modelEndpoint?: (env: NodeJS.ProcessEnv) => Endpoint | Promise<Endpoint>;
}

/** Where the worker entry lives: the tsx bootstrap when running from sources, else the built thread.js. */
export function workerEntry(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./bootstrap.mjs', import.meta.url) : new URL('./thread.js', import.meta.url);
}

/** The preparation worker's entry, likewise (built as prep-thread.js). */
export function prepWorkerEntry(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./prep-bootstrap.mjs', import.meta.url) : new URL('./prep-thread.js', import.meta.url);
}

/** One worker and its outstanding requests, matched to replies by id. */
class Channel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private dead: Error | null = null;

  constructor(
    readonly endpoint: Endpoint,
    private readonly what: string,
  ) {
    endpoint.onMessage((m: unknown) => {
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
      for (const p of this.pending.values()) p.reject(new LwError('INFERENCE_FAILED', `The ${this.what} stopped: ${e.message}`));
      this.pending.clear();
    };
    endpoint.onExit(fail);
  }

  get alive(): boolean {
    return !this.dead;
  }

  call(req: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.dead) return Promise.reject(new LwError('INFERENCE_FAILED', `The ${this.what} stopped: ${this.dead.message}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.endpoint.postMessage({ ...req, id }, transfer);
    });
  }
}

export class WorkerEngine implements InferenceEngine<PreparedHandle> {
  info!: EngineInfo;
  private prepChannel: Channel | null = null;
  /** Tensors prepared in the preparation thread, waiting here for their run. */
  private readonly tensors = new Map<number, PreparedTensor>();
  private nextHandle = 1;

  private constructor(
    private readonly model: Channel,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(opts: WorkerEngineOptions): Promise<WorkerEngine> {
    const env = opts.env ?? process.env;
    const model = await (opts.modelEndpoint ?? ((e) => workerEndpoint(workerEntry(), e)))(env);
    const engine = new WorkerEngine(new Channel(model, 'inference worker'), env);
    // The preparation thread starts while the pack loads, so the first image does not wait for it.
    engine.prep();
    try {
      engine.info = EngineInfoSchema.parse(await engine.model.call({ op: 'open', pack: opts.pack }));
    } catch (e) {
      await Promise.all([engine.model.endpoint.terminate(), engine.prepChannel?.endpoint.terminate()]);
      throw e;
    }
    return engine;
  }

  private prep(): Channel {
    this.prepChannel ??= new Channel(workerEndpoint(prepWorkerEntry(), this.env), 'image preparation worker');
    return this.prepChannel;
  }

  async prepare(src: ImageSource): Promise<PreparedHandle> {
    const tensor = PreparedTensorSchema.parse(await this.prep().call({ spec: this.info.prep, src: toWire(src) }));
    const handle = this.nextHandle++;
    this.tensors.set(handle, tensor);
    return { handle, width: tensor.origWidth, height: tensor.origHeight };
  }

  async run(prepared: PreparedHandle, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
    const tensor = this.tensors.get(prepared.handle);
    if (!tensor) throw new LwError('INVALID_ARGUMENT', `Unknown or already used prepared image ${prepared.handle}`, 'Call prepare() again: a prepared image is single-use.');
    this.tensors.delete(prepared.handle);
    return asResult(await this.model.call({ op: 'runPrepared', prepared: tensor, categories, opts }, [tensor.data.buffer as ArrayBuffer]));
  }

  async predict(src: ImageSource, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
    return asResult(await this.model.call({ op: 'predict', src: toWire(src), categories, opts }));
  }

  /** Drops a prepared image that will not be run. */
  async release(prepared: PreparedHandle): Promise<void> {
    this.tensors.delete(prepared.handle);
  }

  async close(): Promise<void> {
    this.tensors.clear();
    if (this.model.alive) await this.model.call({ op: 'close' }).catch(() => undefined);
    await Promise.all([this.model.endpoint.terminate(), this.prepChannel?.endpoint.terminate()]);
  }
}

const asResult = (v: unknown) => PredictionResultSchema.parse(v) as PredictionResult;
const toWire = (src: ImageSource) => (typeof src === 'string' ? src : new Uint8Array(src.buffer, src.byteOffset, src.byteLength));

export function createWorkerEngine(opts: WorkerEngineOptions): Promise<WorkerEngine> {
  return WorkerEngine.create(opts);
}
