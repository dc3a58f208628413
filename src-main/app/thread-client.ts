/**
 * One worker thread that serves requests by id, for the session's long work (read-thread.ts,
 * search-thread.ts): the session's own thread answers every client, so anything that holds
 * a thread for long runs here. The thread starts on first use and is unref'd while idle (it
 * never keeps a process alive); when it dies, every request in flight fails with a message
 * that names it, and the next request starts a fresh thread.
 */
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../shared/contract';
import { isLwError, LwError } from '../shared/errors';
import { stopWorker } from '../platform/stop-worker';

/** An error as it crosses from the thread: an LwError keeps its code, hint and details, anything else its message and stack. */
export interface ThreadFailure {
  code?: ErrorCode;
  message: string;
  hint?: string;
  details?: unknown;
  stack?: string;
}

/** What the thread posts back for request `id`: progress (any number), then one answer. */
export type ThreadReply<K, P> = { id: K } & ({ type: 'progress'; progress: P } | { type: 'done'; result: unknown } | { type: 'error'; error: ThreadFailure });

/** The thread's side: an error thrown by the work, as it is posted back. */
export function toThreadFailure(e: unknown): ThreadFailure {
  if (isLwError(e)) return { code: e.code, message: e.message, hint: e.hint, details: e.details };
  return { message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
}

function fromThreadFailure({ code, message, hint, details, stack }: ThreadFailure): Error {
  if (code) return new LwError(code, message, hint, { details });
  const e = new Error(message);
  if (stack) e.stack = stack;
  return e;
}

interface Pending<P> {
  /** What the request was, for the message when the thread dies under it. */
  what: string;
  resolve(result: unknown): void;
  reject(e: Error): void;
  onProgress?: (p: P) => void;
}

export class ThreadClient<K extends string | number, P> {
  private worker: Worker | null = null;
  private readonly pending = new Map<K, Pending<P>>();

  /**
   * `entry`: the thread's script; `askAgain`: the hint when a request ends without an answer;
   * `stop`: how close ends the thread: 'ask' for a thread that runs async native work (ONNX
   * Runtime), which must finish before the thread ends (platform/stop-worker.ts; the entry
   * answers the stop request), 'terminate' for one whose native calls are synchronous.
   */
  constructor(
    private readonly entry: URL,
    private readonly askAgain: string,
    private readonly stop: 'ask' | 'terminate' = 'terminate',
  ) {}

  /** Starts the thread now, so that the next request does not wait for it. */
  warm(): void {
    this.thread();
  }

  has(id: K): boolean {
    return this.pending.has(id);
  }

  /** Sends `message` (which carries `id`) and resolves with the thread's answer for `id`. */
  request<T>(id: K, what: string, message: object, onProgress?: (p: P) => void): Promise<T> {
    const worker = this.thread();
    worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { what, resolve: resolve as (r: unknown) => void, reject, onProgress });
      worker.postMessage(message);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  /** A message that expects no answer of its own (a cancel); false when no thread is running. */
  notify(message: object): boolean {
    if (!this.worker) return false;
    this.worker.postMessage(message);
    return true;
  }

  /** Ends the thread; its requests fail as cancelled at once (with 'ask', the thread still finishes its native call before it exits). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.failAll((p) => new LwError('CANCELLED', `The ${p.what} stopped: the project was closed`, this.askAgain));
    if (!w) return;
    if (this.stop === 'ask') await stopWorker(w);
    else await w.terminate();
  }

  private failAll(error: (p: Pending<P>) => Error): void {
    for (const p of this.pending.values()) p.reject(error(p));
    this.pending.clear();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.entry);
    worker.unref();
    worker.on('message', (m: ThreadReply<K, P>) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') return p.onProgress?.(m.progress);
      this.pending.delete(m.id);
      if (m.type === 'done') p.resolve(m.result);
      else p.reject(fromThreadFailure(m.error));
    });
    const died = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null; // the next request starts a fresh thread
      this.failAll((p) => new LwError('INTERNAL', `The ${p.what} stopped unexpectedly (${why})`, this.askAgain));
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`thread exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
