/**
 * Entry of the inference utilityProcess (Electron): the same message handler as the
 * worker_threads entry (src-main/inference/worker/thread.ts), on `process.parentPort`.
 * Build it as its own main-process input (out/main/inference-utility.js).
 */
import { createMessageHandler } from '../inference/worker/handler';

const port = process.parentPort;
if (!port) throw new Error('inference utility: not running in an Electron utilityProcess');
const handle = createMessageHandler();
// Requests are handled concurrently so `prepare` of the next image overlaps `run` of the current one.
port.on('message', (e: Electron.MessageEvent) => {
  void handle(e.data).then((res) => port.postMessage(res));
});
