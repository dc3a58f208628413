/** worker_threads entry of both stages (stage.ts); which stage, and its end of the direct line, come in workerData. */
import { parentPort, workerData } from 'node:worker_threads';
import { InFlight, isStopRequest } from '../../platform/stop-worker';
import { startStage } from './stage';
import { ThreadStart } from './worker-messages';

const port = parentPort;
if (!port) throw new Error('inference stage: not running in a worker thread');
const data = ThreadStart.parse(workerData);
const line = data.line;
const stage = startStage(data.stage, {
  post: (m, transfer) => line.postMessage(m, transfer),
  onMessage: (l) => line.on('message', l),
});
const work = new InFlight();
let stopping = false;
// Requests are handled concurrently: a stage may prepare several images at once. A stop
// (platform/stop-worker.ts) lets the native calls in flight finish before the thread exits.
port.on('message', (msg: unknown) => {
  if (isStopRequest(msg)) {
    if (stopping) return;
    stopping = true;
    void work
      .drained()
      .then(() => stage.close())
      .finally(() => process.exit(0));
    return;
  }
  void work.track(stage.handle(msg)).then((res) => port.postMessage(res));
});
