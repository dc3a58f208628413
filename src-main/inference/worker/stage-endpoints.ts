/**
 * How the engine client reaches its two stages. Here: two worker threads, joined by a
 * MessageChannel whose ports they get at start, so tensors move from the preparation
 * thread to the model thread without passing through the client's thread. Electron's shell
 * starts them as utility processes joined by a MessagePortMain instead
 * (src-main/app/utility-endpoint.ts).
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { stopWorker } from '../../platform/stop-worker';
import type { Stage, ThreadStart } from './worker-messages';

/** One stage as the client sees it: where its requests go and its replies come from. */
export interface Endpoint {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (why: Error) => void): void;
  /** Ends the stage once its requests in flight are done (a native call is never cut short: platform/stop-worker.ts). */
  terminate(): Promise<void>;
}

/** Both stages, already joined by their direct line. */
export interface Stages {
  prep: Endpoint;
  model: Endpoint;
}

export type StartStages = (env: NodeJS.ProcessEnv) => Stages | Promise<Stages>;

/** Where the stage threads' entry lives: the tsx bootstrap when running from sources, else the built stage-thread.js. */
export function stageThreadEntry(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./ts-bootstrap.mjs', import.meta.url) : new URL('./stage-thread.js', import.meta.url);
}

export const startWorkerStages: StartStages = (env) => {
  const { port1, port2 } = new MessageChannel();
  return { prep: stageThread('prep', port1, env), model: stageThread('model', port2, env) };
};

function stageThread(stage: Stage, line: MessagePort, env: NodeJS.ProcessEnv): Endpoint {
  const worker = new Worker(stageThreadEntry(), { env, workerData: { stage, line } satisfies ThreadStart, transferList: [line] });
  return {
    postMessage: (m, transfer) => worker.postMessage(m, transfer),
    onMessage: (l) => worker.on('message', l),
    onExit: (l) => {
      worker.on('error', l);
      worker.on('exit', (code) => l(new Error(`exit code ${code}`)));
    },
    terminate: () => stopWorker(worker),
  };
}
