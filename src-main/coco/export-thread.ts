/**
 * Worker-thread entry: COCO exports (coco/export.ts, unchanged) off the caller's thread,
 * one at a time, for as long as the thread lives. Driven by export-off-thread.ts: each
 * request carries an id; progress, then the summary or the error, come back under it.
 */
import { parentPort } from 'node:worker_threads';
import { isLwError } from '../shared/errors';
import { exportCoco } from './export';
import type { ExportRequest, ExportThreadMessage } from './export-off-thread';

const post = (m: ExportThreadMessage) => parentPort!.postMessage(m);

parentPort!.on('message', ({ id, projectPath, outPath, options }: ExportRequest) => {
  exportCoco({ path: projectPath }, outPath, options, (progress) => post({ id, type: 'progress', progress })).then(
    (summary) => post({ id, type: 'done', summary }),
    (e: unknown) =>
      post({
        id,
        type: 'error',
        error: isLwError(e)
          ? { code: e.code, message: e.message, hint: e.hint, details: e.details }
          : { message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined },
      }),
  );
});
