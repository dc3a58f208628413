/**
 * The session's read thread: read-only work that takes long on a big project runs in a
 * worker thread, for callers whose thread must keep answering (the browser host and the
 * Electron main process serve every client from one event loop). Measured on the host at
 * 100k annotations: a COCO export held the loop for 0.4 s (RLE) to 8.5 s (polygons) at a
 * time, the corrections report for 1.5–2.5 s, and every other request waited.
 *
 * The work itself is unchanged (coco/export.ts, services/corrections.ts); each request
 * reads the project through its own read-only snapshot (db/read-snapshot.ts), so the
 * thread needs only the path. The CLI calls both directly: it has nothing else to answer.
 *
 * Starting a thread costs 0.5 s (built) to 2 s (from sources under tsx), so one thread is
 * kept per session and can be started ahead (`warm()`, e.g. when the export screen asks for
 * its preview); it is unref'd while idle, so it never keeps a process alive.
 */
import { Worker } from 'node:worker_threads';
import type { AuditReport, CorrectionRow, MaskSourceRow, ModelCorrectionRow } from '../shared/api';
import type { CocoExportOptions, ErrorCode } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { CocoExportSummary, ExportProgress } from '../coco/export';
import { checkExportTarget } from '../coco/export-target';

/** What the thread is asked to do. */
type ReadWork = { kind: 'export'; outPath: string; options: CocoExportOptions } | { kind: 'corrections' } | { kind: 'correctionsByModel' } | { kind: 'maskSources' } | { kind: 'auditReport'; limit?: number };
export type ReadRequest = { id: number; projectPath: string } & ReadWork;

export type ReadThreadMessage = { id: number } & (
  | { type: 'progress'; progress: ExportProgress }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { code?: ErrorCode; message: string; hint?: string; details?: unknown; stack?: string } }
);

/** The tsx bootstrap when running from sources, else the built read-thread-worker.js beside this chunk. */
function threadEntry(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./read-thread-bootstrap.mjs', import.meta.url)
    : new URL('./read-thread-worker.js', import.meta.url);
}

interface Pending {
  /** What the request was, for the message when the thread dies under it. */
  what: string;
  resolve(result: unknown): void;
  reject(e: Error): void;
  onProgress?: (p: ExportProgress) => void;
}

export class ReadThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** Starts the thread now, so that the next request does not wait for it. */
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
    return this.request<CocoExportSummary>('export', project.path, { kind: 'export', outPath, options }, onProgress);
  }

  /** services/corrections.ts's report, read from a snapshot of the project. */
  corrections(project: { readonly path: string }): Promise<CorrectionRow[]> {
    return this.request<CorrectionRow[]>('corrections report', project.path, { kind: 'corrections' });
  }

  /** The same report per model (services/corrections.ts's correctionReportByModel). */
  correctionsByModel(project: { readonly path: string }): Promise<ModelCorrectionRow[]> {
    return this.request<ModelCorrectionRow[]>('corrections report by model', project.path, { kind: 'correctionsByModel' });
  }

  /** SAM against GroupViT instance masks (services/mask-source-report.ts). */
  maskSources(project: { readonly path: string }): Promise<MaskSourceRow[]> {
    return this.request<MaskSourceRow[]>('mask-source report', project.path, { kind: 'maskSources' });
  }

  /** UNITER's audit report (services/audit.ts's auditReport): every flag of the project. */
  auditReport(project: { readonly path: string }, opts: { limit?: number } = {}): Promise<AuditReport> {
    return this.request<AuditReport>('audit report', project.path, { kind: 'auditReport', limit: opts.limit });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new LwError('CANCELLED', `The ${p.what} stopped: the project was closed`, 'Ask again.'));
    this.pending.clear();
    await w?.terminate();
  }

  private request<T>(what: string, projectPath: string, work: ReadWork, onProgress?: (p: ExportProgress) => void): Promise<T> {
    const worker = this.thread();
    const id = this.nextId++;
    worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { what, resolve: resolve as (r: unknown) => void, reject, onProgress });
      worker.postMessage({ ...work, id, projectPath } satisfies ReadRequest);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(threadEntry());
    worker.unref();
    worker.on('message', (m: ReadThreadMessage) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === 'progress') return p.onProgress?.(m.progress);
      this.pending.delete(m.id);
      if (m.type === 'done') return p.resolve(m.result);
      const { code, message, hint, details, stack } = m.error;
      if (code) return p.reject(new LwError(code, message, hint, { details }));
      const e = new Error(message);
      if (stack) e.stack = stack;
      p.reject(e);
    });
    const died = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null; // the next request starts a fresh thread
      for (const p of this.pending.values()) p.reject(new LwError('INTERNAL', `The ${p.what} stopped unexpectedly (${why})`, 'Ask again.'));
      this.pending.clear();
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`thread exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
