import { utilityProcess, type UtilityProcess } from 'electron';
import type { ErrorCode } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { EngineInfo, InferenceEngine } from '../inference/engine';
import type { ImageSource } from '../inference/image/pipeline';
import type { AdapterCategory, PackRef, PredictionResult, RunOptions } from '../inference/types';
import { EngineInfoSchema, PredictionResultSchema, PreparedHandle, Response } from '../inference/worker/protocol';

/**
 * The inference engine in an Electron utilityProcess: the same request/response protocol
 * as the worker_threads WorkerEngine (src-main/inference/worker/client.ts), so onnxruntime
 * and sharp run outside the main process and a crash in native code cannot take the
 * window down. `entry` is the built inference-utility.js.
 */
export class UtilityProcessEngine implements InferenceEngine<PreparedHandle> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private dead: string | null = null;
  info!: EngineInfo;

  private constructor(private readonly child: UtilityProcess) {
    child.on('message', (m: unknown) => {
      const r = Response.safeParse(m);
      if (!r.success) return;
      const p = this.pending.get(r.data.id);
      if (!p) return;
      this.pending.delete(r.data.id);
      if (r.data.ok) p.resolve(r.data.result);
      else p.reject(new LwError(r.data.error.code as ErrorCode, r.data.error.message, r.data.error.hint));
    });
    child.on('exit', (code) => {
      this.dead = `exit code ${code}`;
      for (const p of this.pending.values()) p.reject(new LwError('INFERENCE_FAILED', `The inference process stopped (${this.dead})`));
      this.pending.clear();
    });
  }

  static async create(opts: { entry: string; pack: string | PackRef; env?: NodeJS.ProcessEnv }): Promise<UtilityProcessEngine> {
    const child = utilityProcess.fork(opts.entry, [], { serviceName: 'Labelwright inference', env: opts.env ?? process.env, stdio: 'inherit' });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('exit', (code) => reject(new LwError('INFERENCE_FAILED', `The inference process did not start (exit code ${code})`)));
    });
    const engine = new UtilityProcessEngine(child);
    try {
      engine.info = EngineInfoSchema.parse(await engine.call({ op: 'open', pack: opts.pack }));
    } catch (e) {
      child.kill();
      throw e;
    }
    return engine;
  }

  private call(req: Record<string, unknown>): Promise<unknown> {
    if (this.dead) return Promise.reject(new LwError('INFERENCE_FAILED', `The inference process stopped (${this.dead})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.postMessage({ ...req, id });
    });
  }

  async prepare(src: ImageSource): Promise<PreparedHandle> {
    return PreparedHandle.parse(await this.call({ op: 'prepare', src: toWire(src) }));
  }

  async run(prepared: PreparedHandle, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
    return PredictionResultSchema.parse(await this.call({ op: 'run', handle: prepared.handle, categories, opts })) as PredictionResult;
  }

  async predict(src: ImageSource, categories: AdapterCategory[], opts?: RunOptions): Promise<PredictionResult> {
    return PredictionResultSchema.parse(await this.call({ op: 'predict', src: toWire(src), categories, opts })) as PredictionResult;
  }

  async release(prepared: PreparedHandle): Promise<void> {
    await this.call({ op: 'release', handle: prepared.handle });
  }

  async close(): Promise<void> {
    if (!this.dead) await this.call({ op: 'close' }).catch(() => undefined);
    this.child.kill();
  }
}

const toWire = (src: ImageSource) => (typeof src === 'string' ? src : new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
