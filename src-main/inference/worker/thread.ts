/** worker_threads adapter for the inference message handler. */
import { parentPort } from 'node:worker_threads';
import { createMessageHandler } from './handler';

const port = parentPort;
if (!port) throw new Error('inference worker: not running in a worker thread');
const handle = createMessageHandler();
// Requests are handled concurrently so `prepare` of the next image overlaps `run` of the current one.
port.on('message', (msg: unknown) => {
  void handle(msg).then((res) => port.postMessage(res));
});
