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
import type { AuditReport, CorrectionRow, MaskSourceRow, ModelCorrectionRow } from '../shared/api';
import type { CocoExportOptions } from '../shared/contract';
import type { CocoExportSummary, ExportProgress } from '../coco/export';
import { checkExportTarget } from '../coco/export-target';
import { ThreadClient, type ThreadReply } from './thread-client';

/** What the thread is asked to do. */
type ReadWork = { kind: 'export'; outPath: string; options: CocoExportOptions } | { kind: 'corrections' } | { kind: 'correctionsByModel' } | { kind: 'maskSources' } | { kind: 'auditReport'; limit?: number };
export type ReadRequest = { id: number; projectPath: string } & ReadWork;

export type ReadThreadMessage = ThreadReply<number, ExportProgress>;

/** The tsx bootstrap when running from sources, else the built read-thread-worker.js beside this chunk. */
function threadEntry(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./read-thread-bootstrap.mjs', import.meta.url)
    : new URL('./read-thread-worker.js', import.meta.url);
}

export class ReadThread {
  private readonly client = new ThreadClient<number, ExportProgress>(threadEntry(), 'Ask again.');
  private nextId = 1;

  /** Starts the thread now, so that the next request does not wait for it. */
  warm(): void {
    this.client.warm();
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

  close(): Promise<void> {
    return this.client.close();
  }

  private request<T>(what: string, projectPath: string, work: ReadWork, onProgress?: (p: ExportProgress) => void): Promise<T> {
    const id = this.nextId++;
    return this.client.request<T>(id, what, { ...work, id, projectPath } satisfies ReadRequest, onProgress);
  }
}
