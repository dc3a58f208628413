import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Bench, BenchResult } from './types';
import { timeIt } from './types';
import { ProjectService } from '../src-main/services/project-service';
import { LocalJobService } from '../src-main/jobs/local-job-service';
import { createWorkerEngine } from '../src-main/inference/worker/client';
import { commitImage } from '../src-main/jobs/commit-image';
import { createJob, itemCounts } from '../src-main/jobs/job-store';
import { plantedImage, RED, BLUE } from '../src-main/inference/testing/images';
import type { PredictionResult } from '../src-main/inference/types';

const N = Number(process.env.BENCH_JOB_IMAGES ?? 40);
const PACKS = ['glip-fixture', 'groupvit-fixture'];

/**
 * Job throughput against a bare loop that only runs the models on images decoded
 * beforehand, side by side on the same images; and the per-image bookkeeping cost.
 */
const bench: Bench = async () => {
  const dir = join(tmpdir(), `lw-bench-jobs-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'img'), { recursive: true });
  const results: BenchResult[] = [];
  try {
    for (let i = 0; i < N; i++) {
      const png = await plantedImage(640, 480, [
        { x: 20 + ((i * 37) % 400), y: 30 + ((i * 23) % 250), w: 128, h: 128, colour: RED },
        { x: 400 - ((i * 11) % 300), y: 300 - ((i * 7) % 200), w: 96, h: 80, colour: BLUE },
      ]);
      writeFileSync(join(dir, 'img', `${String(i).padStart(4, '0')}.png`), png, { flag: 'w' });
    }
    const project = join(dir, 'p.lw');
    const svc = ProjectService.create(project);
    await svc.addFolder(join(dir, 'img'));
    svc.addCategories([{ name: 'red' }, { name: 'blue' }]);
    const paths = svc.listImages().map((i) => i.path);
    const categories = svc.listCategories().map((c) => ({ id: c.id, name: c.name }));

    // Bare loop: each image is decoded first (untimed), then only the model calls are
    // timed. One warm-up image so both sides pay session start-up once, outside the figure.
    const engines = await Promise.all(PACKS.map((pack) => createWorkerEngine({ pack })));
    const warm = await Promise.all(engines.map((e) => e.prepare(paths[0])));
    await Promise.all(engines.map((e, k) => e.run(warm[k], categories)));
    const bare = { ms: 0 };
    for (const p of paths) {
      const handles = await Promise.all(engines.map((e) => e.prepare(p)));
      bare.ms += (await timeIt(() => Promise.all(engines.map((e, k) => e.run(handles[k], categories))))).ms;
    }
    await Promise.all(engines.map((e) => e.close()));

    // The real job: decode, both models, a transaction per image, progress events.
    // Timed from the job's first progress event (its engines are loaded) to the end.
    const jobs = new LocalJobService(svc.pdb);
    let firstEvent = 0n;
    jobs.onProgress(() => {
      if (!firstEvent) firstEvent = process.hrtime.bigint();
    });
    const job = await timeIt(async () => {
      const started = await jobs.start({ packs: PACKS, target: { kind: 'unlabeled' }, fuse: true });
      return jobs.whenSettled(started.jobId);
    });
    const jobMs = Number(process.hrtime.bigint() - firstEvent) / 1e6;
    await jobs.close();
    if (job.value.done !== N) throw new Error(`job finished ${job.value.done} of ${N}`);
    const bareRate = N / (bare.ms / 1000);
    const jobRate = N / (Math.min(jobMs, job.ms) / 1000);
    results.push({ name: `bare model loop (${PACKS.join(' + ')}, ${N} images 640×480, pre-decoded)`, value: bareRate, unit: 'img/s' });
    results.push({ name: 'job (decode + models + commit + events)', value: jobRate, unit: 'img/s', note: `packs loaded; ${(job.ms / 1000).toFixed(1)} s including worker start and pack load` });
    results.push({ name: 'job / bare throughput', value: jobRate / bareRate, unit: '×', goal: '>= 0.9', ok: jobRate / bareRate >= 0.9 });

    // Bookkeeping alone: the per-image transactions and progress counting, on canned output.
    const ids = svc.listImages().map((i) => i.id);
    const jobId = createJob(
      svc.pdb,
      {
        packs: [{ id: 'glip-fixture', kind: 'glip', sha256: 'x' }],
        categories: categories.map((c) => ({ ...c, prompt: c.name, threshold: null })),
        threshold: null,
        fuse: false,
        overwriteHuman: true,
        target: 'bench',
        signature: 'bench',
      },
      ids,
    );
    const params = JSON.parse((svc.pdb.db.prepare(`SELECT params_json FROM jobs WHERE id = ?`).get(jobId) as { params_json: string }).params_json);
    const canned: PredictionResult = {
      packId: 'glip-fixture', kind: 'glip', width: 640, height: 480, masks: [], ep: 'cpu', timings: { inferMs: 0, postMs: 0 },
      detections: Array.from({ length: 5 }, (_, k) => ({ categoryId: 1 + (k % 2), bbox: [10 * k, 20, 100, 80] as [number, number, number, number], score: 0.9, phrase: 'red' })),
    };
    const markRunning = svc.pdb.db.prepare(`UPDATE job_items SET state = 'running', updated_at = ? WHERE job_id = ? AND image_id = ?`);
    const rounds = 20;
    const book = await timeIt(() => {
      for (let r = 0; r < rounds; r++)
        for (const id of ids) {
          svc.pdb.tx(() => markRunning.run(Date.now(), jobId, id));
          commitImage(svc.pdb, jobId, params, { imageId: id, width: 640, height: 480 }, [canned]);
          itemCounts(svc.pdb, jobId);
        }
    });
    const perImage = book.ms / (rounds * ids.length);
    results.push({ name: 'bookkeeping per image (2 transactions, 5 detections, progress counts)', value: perImage, unit: 'ms', goal: '<= 2 ms', ok: perImage <= 2 });
    svc.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
};

export default bench;
