/**
 * Entry of the inference utilityProcess (Electron): the same message handler as the
 * worker_threads entry (src-main/inference/worker/thread.ts), on `process.parentPort`.
 * Built as its own main-process input (out/main/inference-utility.js); reached through
 * utility-endpoint.ts, with images prepared in a worker thread of the main process.
 */
import { createMessageHandler } from '../inference/worker/handler';

const port = process.parentPort;
if (!port) throw new Error('inference utility: not running in an Electron utilityProcess');
const handle = createMessageHandler();
port.on('message', (e: Electron.MessageEvent) => {
  void handle(e.data).then((res) => port.postMessage(res));
});
