/** worker_threads entry of both stages (stage.ts); which stage, and its end of the direct line, come in workerData. */
import { parentPort, workerData } from 'node:worker_threads';
import { startStage } from './stage';
import { ThreadStart } from './worker-messages';

const port = parentPort;
if (!port) throw new Error('inference stage: not running in a worker thread');
const data = ThreadStart.parse(workerData);
const line = data.line;
const handle = startStage(data.stage, {
  post: (m, transfer) => line.postMessage(m, transfer),
  onMessage: (l) => line.on('message', l),
});
// Requests are handled concurrently: a stage may prepare several images at once.
port.on('message', (msg: unknown) => {
  void handle(msg).then((res) => port.postMessage(res));
});
