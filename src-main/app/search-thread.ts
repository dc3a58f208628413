/**
 * The session's search thread: UNITER text search runs in a worker thread
 * (search-thread-worker.ts), because ONNX Runtime's `run` blocks its thread and the session's
 * thread answers every client (the browser host and the Electron main process serve all of
 * them from one event loop). One thread per session, started by the first search, kept with
 * its scorer loaded for the next one and unref'd while idle, so it never keeps a process alive.
 */
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { RankResult, SearchImage } from '../inference/uniter/rank-images';

export interface SearchRun {
  searchId: string;
  /** A uniter pack id or folder. */
  pack: string;
  /** The project file: its sidecar feature cache is `cacheDirFor(projectPath, packSha256)`. */
  projectPath: string;
  images: SearchImage[];
  text: string;
  cacheCapBytes?: number;
}

export type SearchThreadRequest = ({ type: 'run' } & SearchRun) | { type: 'cancel'; searchId: string };

export type ThreadSearchResult = RankResult & {
  /** Images whose regions came from the feature cache. */
  cachedRegions: number;
  /** The pack's tokenizer lowercases (UNITER is cased). */
  warning?: string;
};

export type SearchThreadMessage = { searchId: string } & (
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; result: ThreadSearchResult }
  | { type: 'error'; error: { code?: ErrorCode; message: string; hint?: string; stack?: string } }
);

/** The tsx bootstrap when running from sources, else the built search-thread-worker.js beside this chunk. */
function threadEntry(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./search-thread-bootstrap.mjs', import.meta.url)
    : new URL('./search-thread-worker.js', import.meta.url);
}

interface Pending {
  resolve(r: ThreadSearchResult): void;
  reject(e: Error): void;
  onProgress(done: number, total: number): void;
}

export class SearchThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<string, Pending>();

  /** Ranks `run.images`; resolves with the partial ranking (`cancelled: true`) when cancelled. */
  run(run: SearchRun, onProgress: (done: number, total: number) => void): Promise<ThreadSearchResult> {
    if (this.pending.has(run.searchId)) return Promise.reject(new LwError('CONFLICT', `A search with id ${run.searchId} is already running`, 'Give each search its own id.'));
    const worker = this.thread();
    worker.ref();
    return new Promise<ThreadSearchResult>((resolve, reject) => {
      this.pending.set(run.searchId, { resolve, reject, onProgress });
      worker.postMessage({ type: 'run', ...run } satisfies SearchThreadRequest);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  /** Asks the search to stop after the image in flight; false when no such search is running. */
  cancel(searchId: string): boolean {
    if (!this.pending.has(searchId) || !this.worker) return false;
    this.worker.postMessage({ type: 'cancel', searchId } satisfies SearchThreadRequest);
    return true;
  }

  /** Ends the thread at once (the model call in flight cannot be interrupted otherwise). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new LwError('CANCELLED', 'The search stopped: the project was closed', 'Search again.'));
    this.pending.clear();
    await w?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(threadEntry());
    worker.unref();
    worker.on('message', (m: SearchThreadMessage) => {
      const p = this.pending.get(m.searchId);
      if (!p) return;
      if (m.type === 'progress') return p.onProgress(m.done, m.total);
      this.pending.delete(m.searchId);
      if (m.type === 'done') return p.resolve(m.result);
      const { code, message, hint, stack } = m.error;
      if (code) return p.reject(new LwError(code, message, hint));
      const e = new Error(message);
      if (stack) e.stack = stack;
      p.reject(e);
    });
    const died = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null; // the next search starts a fresh thread
      for (const p of this.pending.values()) p.reject(new LwError('INTERNAL', `The search stopped unexpectedly (${why})`, 'Search again.'));
      this.pending.clear();
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`thread exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
