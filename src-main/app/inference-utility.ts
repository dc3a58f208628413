/**
 * Entry of the inference utility processes (Electron). Both stages of the worker engine
 * (the model, and image preparation) run in utility processes of their own, started from
 * this one file (utility-endpoint.ts). The first message says which stage this process is
 * and brings its end of the MessagePortMain between the two, on which prepared tensors go
 * from the preparation process to the model process without passing through the main one.
 * Built as its own main-process input (out/main/inference-utility.js).
 */
import { startStage } from '../inference/worker/stage';
import { LinkMessage, type Reply } from '../inference/worker/worker-messages';

const parent = process.parentPort;
if (!parent) throw new Error('inference utility: not running in an Electron utilityProcess');
let handle: ((message: unknown) => Promise<Reply>) | null = null;
parent.on('message', (e: Electron.MessageEvent) => {
  if (handle) {
    // Requests are handled concurrently: the preparation stage may decode several images at once.
    void handle(e.data).then((res) => parent.postMessage(res));
    return;
  }
  const link = LinkMessage.parse(e.data);
  const line = e.ports[0];
  if (!line) throw new Error('inference utility: the link message brought no port');
  // Ended by killing the process (utility-endpoint.ts): a native call cut short there takes only this process with it.
  handle = startStage(link.stage, {
    // MessagePortMain moves only ports; the tensor is copied once, from process to process.
    post: (m) => line.postMessage(m),
    onMessage: (l) => line.on('message', (ev: Electron.MessageEvent) => l(ev.data)),
  }).handle;
  line.start();
});
