/**
 * COCO exports in a worker thread, for callers whose thread must keep answering (the
 * browser host and the Electron main process serve every client from one event loop).
 * Measured on the host: a 100k-annotation export held the loop for 0.4 s (RLE) to 8.5 s
 * (polygons) at a time, and every other request waited. The export itself is
 * coco/export.ts, unchanged; it reads the project through its own read-only snapshot, so
 * the thread needs only the path. The CLI calls exportCoco directly: it has nothing else
 * to answer.
 *
 * Starting a thread costs 0.5 s (built) to 2 s (from sources under tsx), so one thread is
 * kept per session and can be started ahead (`warm()`, when the export screen asks for its
 * preview); it is unref'd while idle, so it never keeps a process alive.
 */
import { Worker } from 'node:worker_threads';
import type { CocoExportOptions, ErrorCode } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { CocoExportSummary, ExportProgress } from './export';
import { checkExportTarget } from './export-target';

export interface ExportRequest {
  id: number;
  projectPath: string;
  outPath: string;
  options: CocoExportOptions;
}

export type ExportThreadMessage = { id: number } & (
  | { type: 'progress'; progress: ExportProgress }
  | { type: 'done'; summary: CocoExportSummary }
  | { type: 'error'; error: { code?: ErrorCode; message: string; hint?: string; details?: unknown; stack?: string } }
);

/** The tsx bootstrap when running from sources, else the built export-thread.js beside this chunk. */
function threadEntry(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./export-thread-bootstrap.mjs', import.meta.url)
    : new URL('./export-thread.js', import.meta.url);
}

interface Pending {
  resolve(s: CocoExportSummary): void;
  reject(e: Error): void;
  onProgress?: (p: ExportProgress) => void;
}

export class ExportThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** Starts the thread now, so that the next export does not wait for it. */
  warm(): void {
    this.thread();
  }

  export(project: { readonly path: string }, outPath: string, options: CocoExportOptions = {}, onProgress?: (p: ExportProgress) => void): Promise<CocoExportSummary> {
    // Refused targets answer at once, without a thread (the thread checks again).
    try {
      checkExportTarget(project.path, outPath);
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const worker = this.thread();
    const id = this.nextId++;
    worker.ref();
    return new Promise<CocoExportSummary>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      worker.postMessage({ id, projectPath: project.path, outPath, options } satisfies ExportRequest);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.fail(new LwError('CANCELLED', 'The export stopped: the project was closed', 'Export again.'));
    await w?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(threadEntry());
    worker.unref();
    worker.on('message', (m: ExportThreadMessage) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') return p.onProgress?.(m.progress);
      this.pending.delete(m.id);
      if (m.type === 'done') return p.resolve(m.summary);
      const { code, message, hint, details, stack } = m.error;
      if (code) return p.reject(new LwError(code, message, hint, { details }));
      const e = new Error(message);
      if (stack) e.stack = stack;
      p.reject(e);
    });
    const died = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null; // the next export starts a fresh thread
      this.fail(new LwError('INTERNAL', `The export stopped unexpectedly (${why})`, 'Run the export again.'));
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`thread exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private fail(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
