import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { InFlight, STOP_REQUEST, stopWorker } from './stop-worker';

/** A thread that does `onStop` (plain JS) when asked to stop, and reports its exit code. */
function thread(onStop: string): { worker: Worker; exitCode: Promise<number> } {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (m) => { if (m && m.type === ${JSON.stringify(STOP_REQUEST.type)}) { ${onStop} } });`,
    { eval: true },
  );
  const exitCode = new Promise<number>((resolve) => worker.once('exit', resolve));
  return { worker, exitCode };
}

describe('stopWorker', () => {
  it('a thread that answers finishes its work and exits by itself (code 0), however long the work takes within the grace', async () => {
    const { worker, exitCode } = thread(`setTimeout(() => process.exit(0), 300);`);
    await new Promise((r) => worker.once('online', r));
    const t0 = Date.now();
    await stopWorker(worker, 10_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(await exitCode).toBe(0);
  });

  it('a thread that does not answer is terminated after the grace period', async () => {
    const { worker, exitCode } = thread(`/* ignores it */`);
    await new Promise((r) => worker.once('online', r));
    await stopWorker(worker, 200);
    expect(await exitCode).toBe(1); // what terminate() gives
  });

  it('a thread already gone: resolves at once', async () => {
    const { worker, exitCode } = thread('');
    await new Promise((r) => worker.once('online', r));
    await worker.terminate();
    await exitCode;
    await stopWorker(worker, 60_000);
  });
});

describe('InFlight', () => {
  it('drained waits for the work in flight, including work that starts while it waits, and ignores failures', async () => {
    const work = new InFlight();
    const order: string[] = [];
    const later = (ms: number, name: string, fail = false) =>
      new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          order.push(name);
          if (fail) reject(new Error(name));
          else resolve();
        }, ms),
      );
    await expect(work.track(later(30, 'a', true))).rejects.toThrow('a');
    work.track(later(50, 'b'));
    const drained = work.drained().then(() => order.push('drained'));
    work.track(later(20, 'c')).then(() => work.track(later(60, 'd')));
    await drained;
    expect(order).toEqual(['a', 'c', 'b', 'd', 'drained']);
    expect(work.size).toBe(0);
  });
});
