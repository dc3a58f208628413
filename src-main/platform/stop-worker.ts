/**
 * Ending a worker thread that runs native code (ONNX Runtime, sharp) without killing the
 * process. `worker.terminate()` tears the thread's environment down under whatever native
 * call is in flight, and when that call completes into the dead environment the addon throws
 * a C++ exception no one catches: "terminate called after throwing an instance of
 * 'Napi::Error'", and the whole process (the app) is gone. So a thread is asked to stop: it
 * finishes what it is doing, lets go of its models, and exits by itself; only a thread that
 * does not answer within the grace period is terminated.
 *
 *   thread:  const work = new InFlight(); … work.track(handle(m)) …
 *            on a stop request: await work.drained(); cleanup; process.exit(0)
 *   owner:   await stopWorker(worker)
 */
import type { Worker } from 'node:worker_threads';
import { z } from 'zod';

/** The one message that asks a thread to stop. */
const StopRequest = z.object({ type: z.literal('labelwright:stop') }).strict();
export const STOP_REQUEST: z.infer<typeof StopRequest> = { type: 'labelwright:stop' };

export function isStopRequest(message: unknown): boolean {
  return StopRequest.safeParse(message).success;
}

/** How long a thread gets to finish its current native call before it is terminated anyway. */
export const STOP_GRACE_MS = 30_000;

/**
 * Asks `worker` to stop and resolves once it has exited; terminates it after `graceMs` if it
 * has not (a native call that never returns). Resolves at once for a thread already gone.
 */
export function stopWorker(worker: Worker, graceMs = STOP_GRACE_MS): Promise<void> {
  if (worker.threadId === -1) return Promise.resolve(); // exited already
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => void worker.terminate(), graceMs);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      worker.postMessage(STOP_REQUEST);
    } catch {
      void worker.terminate();
    }
  });
}

/** The requests a thread is serving, so that a stop waits for them (including any that start while it waits). */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(p: Promise<T>): Promise<T> {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return p;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when nothing is running. */
  async drained(): Promise<void> {
    while (this.running.size) await Promise.all(this.running);
  }
}
