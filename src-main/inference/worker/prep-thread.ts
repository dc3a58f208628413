/** worker_threads adapter for the preparation thread (see prep-handler.ts). */
import { parentPort } from 'node:worker_threads';
import { handlePrep } from './prep-handler';

const port = parentPort;
if (!port) throw new Error('preparation worker: not running in a worker thread');
port.on('message', (msg: unknown) => {
  void handlePrep(msg).then((res) => port.postMessage(res, res.ok ? [res.result.data.buffer as ArrayBuffer] : []));
});
