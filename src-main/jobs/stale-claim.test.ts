/**
 * Issue 11, item 2: a worker that stalls but is still alive loses its claim once its
 * heartbeat is stale; its late commit is refused (nothing written) and logged, never
 * applied twice. And who may commit an item: its claim's owner, or (owner null, results
 * merged from elsewhere) nobody holding it.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectService } from '../services/project-service';
import { createWorkerEngine } from '../inference/worker/worker-engine';
import type { PredictionResult } from '../inference/types';
import { runCli } from '../testing/cli';
import { canonicalJobOutput, jobProject } from '../testing/job-projects';
import { useTmp } from '../testing/tmp';
import { claimNext, reclaimAbandoned } from './claims';
import { commitImage } from './commit-image';
import { getJob } from './job-store';
import { LocalJobService } from './local-job-service';
import { planJob } from './plan-job';
import { thisWorker, type WorkerIdentity } from './worker-identity';

const tmp = useTmp();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A worker of this process under another name, as a second process would be. */
function otherWorker(name: string): WorkerIdentity {
  return { ...thisWorker(), id: `${thisWorker().id}:${name}` };
}

describe('claims', () => {
  it('a stalled but live worker loses its claim; its late commit is refused, logged, and nothing is written twice', async () => {
    const d = tmp();
    const p = await jobProject(d, 6);
    const reference = join(d, 'reference.lw');
    copyFileSync(p, reference);
    expect(runCli(['prelabel', reference, '--pack', 'glip-fixture']).code).toBe(0);

    const svcA = ProjectService.open(p);
    const svcB = ProjectService.open(p);
    // Worker A's model call hangs until released; its heartbeat never comes (a stalled process).
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let stalled!: () => void;
    const inModel = new Promise<void>((r) => (stalled = r));
    const log: string[] = [];
    const jobsA = new LocalJobService(svcA, {
      worker: otherWorker('A'),
      heartbeatMs: 3_600_000,
      prefetch: 0,
      log: (l) => log.push(l),
      engine: async (pack) => {
        const e = await createWorkerEngine({ pack });
        const run = e.run.bind(e);
        e.run = async (...args) => {
          stalled();
          await gate;
          return run(...args);
        };
        return e;
      },
    });
    const jobsB = new LocalJobService(svcB, { worker: otherWorker('B'), staleMs: 50 });
    try {
      const started = await jobsA.start({ packs: ['glip-fixture'], target: { kind: 'unlabeled' } }, { resumeSame: true });
      await inModel;
      const held = svcA.pdb.db.prepare(`SELECT image_id, owner FROM job_items WHERE owner IS NOT NULL`).all();
      expect(held).toEqual([{ image_id: 1, owner: otherWorker('A').id }]);

      // B joins once A's heartbeat is older than B's stale limit: it takes A's item back and does the whole job.
      await sleep(120);
      await jobsB.resume(started.jobId);
      expect(await jobsB.whenSettled(started.jobId)).toMatchObject({ state: 'done', done: 6 });
      const before = canonicalJobOutput(p);
      expect(before).toEqual(canonicalJobOutput(reference));

      // A wakes up: its result for image 1 is refused, said so, and nothing is written.
      release();
      const a = await jobsA.whenSettled(started.jobId);
      expect(a).toMatchObject({ state: 'done', done: 6 });
      expect(log).toEqual([expect.stringMatching(/^job 1: the result for img000\.png was not saved: .*already done.*nothing was written twice/)]);
      expect(canonicalJobOutput(p)).toEqual(before);
    } finally {
      release();
      await jobsA.close();
      await jobsB.close();
      svcA.close();
      svcB.close();
    }
  }, 120_000);

  it('commitImage: only the claim’s owner commits; a merge (owner null) only an item nobody holds, or a failed one', async () => {
    const d = tmp();
    const p = await jobProject(d, 3);
    const svc = ProjectService.open(p);
    try {
      // A job planned but not run (as `bundle` leaves it).
      const info = await planJob(svc, { packs: ['glip-fixture'], target: { kind: 'unlabeled' } });
      const params = getJob(svc.pdb, info.jobId).params;
      const result = (w: number, h: number): PredictionResult[] => [
        { packId: 'glip-fixture', kind: 'glip', width: w, height: h, masks: [], ep: 'cpu', timings: { inferMs: 0, postMs: 0 }, detections: [{ categoryId: 1, bbox: [1, 2, 10, 10], score: 0.9, phrase: 'red' }] },
      ];
      const predictions = () => (svc.pdb.db.prepare(`SELECT count(*) AS n FROM predictions`).get() as { n: number }).n;
      const A = otherWorker('A'), B = otherWorker('B');

      const first = claimNext(svc.pdb, info.jobId, A)!;
      const img = { imageId: first.imageId, width: first.width, height: first.height };
      // Held by A: neither B nor a merge may write it.
      expect(commitImage(svc.pdb, info.jobId, params, img, result(img.width, img.height), B.id).state).toBe('refused');
      expect(commitImage(svc.pdb, info.jobId, params, img, result(img.width, img.height), null)).toMatchObject({ state: 'refused', predictions: 0 });
      expect(predictions()).toBe(0);
      // A's claim goes stale and comes back: A's late commit is refused too.
      await sleep(5);
      expect(reclaimAbandoned(svc.pdb, info.jobId, B, 1)).toBe(1);
      expect(commitImage(svc.pdb, info.jobId, params, img, result(img.width, img.height), A.id).state).toBe('refused');
      expect(predictions()).toBe(0);
      // Nobody holds it: a merge commits it, once.
      expect(commitImage(svc.pdb, info.jobId, params, img, result(img.width, img.height), null)).toMatchObject({ state: 'done', predictions: 1 });
      expect(commitImage(svc.pdb, info.jobId, params, img, result(img.width, img.height), null).state).toBe('refused');
      expect(predictions()).toBe(1);
      // The owner commits its claim, once; the next claim skips what is done.
      const second = claimNext(svc.pdb, info.jobId, B)!;
      expect(second.imageId).not.toBe(first.imageId);
      const img2 = { imageId: second.imageId, width: second.width, height: second.height };
      expect(commitImage(svc.pdb, info.jobId, params, img2, result(img2.width, img2.height), B.id).state).toBe('done');
      expect(commitImage(svc.pdb, info.jobId, params, img2, result(img2.width, img2.height), B.id).state).toBe('refused');
      expect(predictions()).toBe(2);
      // A failed item may be merged.
      svc.pdb.db.prepare(`UPDATE job_items SET state = 'failed' WHERE job_id = ? AND image_id = ?`).run(info.jobId, img2.imageId);
      expect(commitImage(svc.pdb, info.jobId, params, img2, result(img2.width, img2.height), null).state).toBe('done');
    } finally {
      svc.close();
    }
  }, 60_000);
});
