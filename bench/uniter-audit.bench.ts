/**
 * The UNITER label audit with the fixture pack, side by side on the same images in one
 * process: the audit as a job (worker engine: decode ahead, regions graph, one ITM pass per
 * category, commit of the scores with the item's state, progress events) against the bare
 * model calls (in process: regions graph + one ITM pass per category on images prepared
 * beforehand, untimed). BENCH_AUDIT_IMAGES (default 40) sets the number of 640×480 PNGs.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePack, sharedSessionPool } from '../src-main/inference/engine';
import { prepareForRegions } from '../src-main/inference/uniter/preprocess';
import { createUniterScorer } from '../src-main/inference/uniter/scorer';
import { LocalJobService } from '../src-main/jobs/local-job-service';
import { ProjectService } from '../src-main/services/project-service';
import { writeJobBenchImages } from '../src-main/testing/planted-images';
import { timeIt, type Bench, type BenchResult } from './types';

const N = Number(process.env.BENCH_AUDIT_IMAGES ?? 40);
const PACK = 'uniter-fixture';
const CATEGORIES = ['red', 'green', 'blue'];

const bench: Bench = async () => {
  const dir = join(tmpdir(), `lw-bench-audit-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'img'), { recursive: true });
  try {
    await writeJobBenchImages(join(dir, 'img'), N);
    const svc = ProjectService.create(join(dir, 'p.lw'));
    try {
      await svc.addFolder(join(dir, 'img'));
      svc.addCategories(CATEGORIES.map((name) => ({ name })));
      const paths = svc.listImages().map((i) => i.path);
      const bare = await bareCalls(paths);
      const job = await auditJob(svc);
      const results: BenchResult[] = [
        {
          name: `bare model calls: regions + ${CATEGORIES.length} ITM passes, ${N} images 640×480, pre-decoded`,
          value: bare.rate,
          unit: 'img/s',
          note: `${bare.msPerItm.toFixed(2)} ms per ITM pass`,
        },
        {
          name: 'image preparation alone (decode, resize to 800×600, BGR − means), untimed in the bare calls',
          value: bare.msPerPrepare,
          unit: 'ms/image',
        },
        {
          name: 'audit job (decode + regions + ITM passes + commit of the scores + events)',
          value: job.rate,
          unit: 'img/s',
          note: `pack loaded; ${(job.totalMs / 1000).toFixed(1)} s including worker start and pack load`,
        },
        { name: 'audit job / bare model calls', value: job.rate / bare.rate, unit: '×' },
      ];
      return results;
    } finally {
      svc.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** The scorer called directly: each image prepared first (untimed), then regions + one ITM pass per category timed, after one warm-up image. */
async function bareCalls(paths: string[]): Promise<{ rate: number; msPerItm: number; msPerPrepare: number }> {
  const scorer = await createUniterScorer(await resolvePack(PACK), sharedSessionPool());
  try {
    const once = async (path: string) => {
      const prep = await timeIt(() => prepareForRegions(path));
      const img = prep.value;
      let itmMs = 0;
      const t = await timeIt(async () => {
        const set = await scorer.regionsOf(img);
        for (const text of CATEGORIES) itmMs += (await timeIt(() => scorer.score(set, text))).ms;
      });
      return { ms: t.ms, itmMs, prepMs: prep.ms };
    };
    await once(paths[0]);
    let ms = 0;
    let itmMs = 0;
    let prepMs = 0;
    for (const p of paths) {
      const r = await once(p);
      ms += r.ms;
      itmMs += r.itmMs;
      prepMs += r.prepMs;
    }
    return {
      rate: paths.length / (ms / 1000),
      msPerItm: itmMs / (paths.length * CATEGORIES.length),
      msPerPrepare: prepMs / paths.length,
    };
  } finally {
    await scorer.dispose();
  }
}

/** The audit job over every image, timed from its first progress event (engine loaded) to the end. */
async function auditJob(svc: ProjectService): Promise<{ rate: number; totalMs: number }> {
  const jobs = new LocalJobService(svc);
  let firstEvent = 0n;
  jobs.onProgress(() => {
    if (!firstEvent) firstEvent = process.hrtime.bigint();
  });
  try {
    const job = await timeIt(async () => {
      const started = await jobs.start({ packs: [PACK], target: { kind: 'all' }, mode: 'audit' });
      return jobs.whenSettled(started.jobId);
    });
    const jobMs = Number(process.hrtime.bigint() - firstEvent) / 1e6;
    if (job.value.done !== N)
      throw new Error(`the audit finished ${job.value.done} of ${N} images (${job.value.failed} failed)`);
    return { rate: N / (Math.min(jobMs, job.ms) / 1000), totalMs: job.ms };
  } finally {
    await jobs.close();
  }
}

export default bench;
