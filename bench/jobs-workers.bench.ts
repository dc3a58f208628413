import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import type { Bench, BenchResult } from './types';
import { timeIt } from './types';
import { REPO_ROOT } from '../src-main/testing/cli';
import { ProjectService } from '../src-main/services/project-service';
import { writeJobBenchImages } from '../src-main/testing/planted-images';

const N = Number(process.env.BENCH_JOB_IMAGES ?? 80);
const BIN = join(REPO_ROOT, 'bin', 'labelwright.js');
const ARGS = ['--pack', 'glip-fixture', '--pack', 'groupvit-fixture', '--fuse'];

/**
 * Two `prelabel` processes on one job against one, side by side on the same images (issue
 * 11): the throughput of each, measured between the first and the last commit (process start
 * and pack load excluded; the wall clock is noted). The per-claim cost is in jobs.bench.ts.
 */
const bench: Bench = async () => {
  spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cli.mjs'), '--if-stale'], { stdio: 'ignore' });
  const dir = join(tmpdir(), `lw-bench-workers-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'img'), { recursive: true });
  const results: BenchResult[] = [];
  try {
    await writeJobBenchImages(join(dir, 'img'), N);
    const pristine = join(dir, 'p.lw');
    const svc = ProjectService.create(pristine);
    await svc.addFolder(join(dir, 'img'));
    svc.addCategories([{ name: 'red' }, { name: 'blue' }]);
    svc.close();

    // Default threads: each worker's models already use every core. One model thread per
    // worker: what a worker with its own GPU (or its own cores) looks like.
    for (const threads of [undefined, '1']) {
      const env = threads ? { ...process.env, LABELWRIGHT_THREADS: threads } : process.env;
      const one = await workers(pristine, join(dir, 'one.lw'), 1, env);
      const two = await workers(pristine, join(dir, 'two.lw'), 2, env);
      const label = `${ARGS.filter((a) => a !== '--pack').join(' ')}, ${threads ? '1 model thread per worker' : 'default threads'}, ${N} images 640×480`;
      results.push({ name: `1 worker, ${label}`, value: one.rate, unit: 'img/s', note: `${(one.wallMs / 1000).toFixed(1)} s wall clock` });
      results.push({ name: `2 workers on one job, ${label}`, value: two.rate, unit: 'img/s', note: `${(two.wallMs / 1000).toFixed(1)} s wall clock` });
      results.push({ name: `2 workers / 1 worker throughput, ${threads ? '1 model thread per worker' : 'default threads'}`, value: two.rate / one.rate, unit: '×', note: 'both workers share this machine’s cores' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
};

/** n CLI workers started together on a fresh copy; the job's rate between its first and last commit. */
async function workers(pristine: string, p: string, n: number, env: NodeJS.ProcessEnv): Promise<{ rate: number; wallMs: number }> {
  copyFileSync(pristine, p);
  const run = await timeIt(() =>
    Promise.all(
      Array.from({ length: n }, () => {
        const child = spawn(process.execPath, [BIN, 'prelabel', p, ...ARGS], { stdio: 'ignore', env });
        return new Promise<number | null>((r) => child.on('close', r));
      }),
    ),
  );
  if (run.value.some((c) => c !== 0)) throw new Error(`a worker exited with ${run.value.join(', ')}`);
  const db = new Database(p, { readonly: true });
  try {
    const r = db.prepare(`SELECT count(*) AS n, min(updated_at) AS t0, max(updated_at) AS t1 FROM job_items WHERE state = 'done'`).get() as { n: number; t0: number; t1: number };
    if (r.n !== N) throw new Error(`${n} worker(s) finished ${r.n} of ${N}`);
    return { rate: (r.n - 1) / ((r.t1 - r.t0) / 1000), wallMs: run.ms };
  } finally {
    db.close();
  }
}

export default bench;
