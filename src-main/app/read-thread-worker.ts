/**
 * Worker-thread entry of the session's read thread (read-thread.ts): COCO exports
 * (coco/export.ts), the corrections report (services/corrections.ts) and the audit report
 * (services/audit.ts), unchanged, off
 * the caller's thread, for as long as the thread lives. Each request carries an id;
 * progress, then the result or the error, come back under it.
 */
import { parentPort } from 'node:worker_threads';
import { ReadSnapshot } from '../db/read-snapshot';
import { exportCoco } from '../coco/export';
import { correctionReport, correctionReportByModel } from '../services/corrections';
import { maskSourceReport } from '../services/mask-source-report';
import { auditReport } from '../services/audit';
import type { ReadRequest, ReadThreadMessage } from './read-thread';
import { toThreadFailure } from './thread-client';

const post = (m: ReadThreadMessage) => parentPort!.postMessage(m);

async function serve(req: ReadRequest): Promise<unknown> {
  if (req.kind === 'export') return exportCoco({ path: req.projectPath }, req.outPath, req.options, (progress) => post({ id: req.id, type: 'progress', progress }));
  const snapshot = new ReadSnapshot(req.projectPath);
  try {
    if (req.kind === 'maskSources') return maskSourceReport(snapshot);
    if (req.kind === 'auditReport') return auditReport(snapshot, { limit: req.limit });
    return req.kind === 'correctionsByModel' ? correctionReportByModel(snapshot) : correctionReport(snapshot);
  } finally {
    snapshot.close();
  }
}

parentPort!.on('message', (req: ReadRequest) => {
  serve(req).then(
    (result) => post({ id: req.id, type: 'done', result }),
    (e: unknown) => post({ id: req.id, type: 'error', error: toThreadFailure(e) }),
  );
});
