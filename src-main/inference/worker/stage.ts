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

export interface StageHandler {
  handle(message: unknown): Promise<Reply>;
  /** Lets go of what the stage holds (the model's sessions), once its requests are done. */
  close(): Promise<void>;
}

export function startStage(stage: Stage, line: TensorLine): StageHandler {
  if (stage === 'prep') return { handle: createPrepStage((m, transfer) => line.post(m, transfer)), close: async () => undefined };
  const model = createModelStage();
  line.onMessage((m) => model.receive(m));
  return { handle: (m) => model.handle(m), close: () => model.close() };
}
