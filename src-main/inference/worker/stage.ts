/**
 * A stage's request handler, wired to its end of the direct line between the stages,
 * whatever carries it (a worker_threads MessagePort, or Electron's MessagePortMain).
 */
import { createModelStage } from './model-stage';
import { createPrepStage } from './prep-stage';
import type { Reply, Stage, TensorMessage } from './worker-messages';

export interface TensorLine {
  /** Prep stage: posts a tensor; `transfer` lists buffers to move rather than copy where the line can. */
  post(message: TensorMessage, transfer: ArrayBuffer[]): void;
  /** Model stage: tensors as they arrive. */
  onMessage(listener: (message: unknown) => void): void;
}

export function startStage(stage: Stage, line: TensorLine): (message: unknown) => Promise<Reply> {
  if (stage === 'prep') return createPrepStage((m, transfer) => line.post(m, transfer));
  const model = createModelStage();
  line.onMessage((m) => model.receive(m));
  return (m) => model.handle(m);
}
