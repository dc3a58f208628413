/**
 * Issue 11, item 2: several `prelabel` processes on one job share it through atomic claims.
 * Real CLI processes on real fixture models, killed with SIGKILL (the whole process group)
 * at random points; the project must end equal to one uninterrupted run, row for row.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../testing/cli';
import { canonicalJobOutput, jobProject, queryProject } from '../testing/job-projects';
import { useTmp } from '../testing/tmp';

const tmp = useTmp();
const BIN = join(REPO_ROOT, 'bin', 'labelwright.js');
const IMAGES = 200;
const ARGS = ['--pack', 'glip-fixture'];
/** Rounds per worker count (each on a fresh copy of the project); LW_CONCURRENCY_ROUNDS=20 loops it. */
const ROUNDS = Number(process.env.LW_CONCURRENCY_ROUNDS ?? 1);

interface Worker {
  child: ChildProcess;
  exited: Promise<number | null>;
  killed: boolean;
  stderr: string;
}

/** A `prelabel` process in a process group of its own, as a second terminal would start it. */
function startWorker(p: string): Worker {
  const child = spawn(process.execPath, [BIN, '--json', 'prelabel', p, ...ARGS], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const w: Worker = { child, exited: new Promise((r) => child.on('close', (code) => r(code))), killed: false, stderr: '' };
  child.stderr!.on('data', (b) => (w.stderr += b));
  return w;
}

/** The CLI run to its end, however long a loaded machine takes (runCli stops at 120 s). */
async function cliToEnd(args: string[]): Promise<{ code: number | null; stderr: string; json: any }> {
  const child = spawn(process.execPath, [BIN, '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { code, stderr, json };
}

function killGroup(w: Worker): void {
  w.killed = true;
  try {
    process.kill(-w.child.pid!, 'SIGKILL');
  } catch {
    // It exited on its own just now.
  }
}

const settled = (p: string) => queryProject<{ n: number } | undefined>(p, `SELECT count(*) AS n FROM job_items WHERE state != 'pending'`)?.n ?? 0;
const owners = (p: string) => queryProject<{ n: number } | undefined>(p, `SELECT count(DISTINCT owner) AS n FROM job_items WHERE owner IS NOT NULL`)?.n ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('several workers on one pre-labeling job', () => {
  // One project before any job, and what one uninterrupted run makes of it.
  let pristine = '';
  let expected: ReturnType<typeof canonicalJobOutput>;
  // Made once for every round and worker count (tmp() folders go after each test).
  const shared = mkdtempSync(join(tmpdir(), 'lw-workers-'));
  afterAll(() => rmSync(shared, { recursive: true, force: true }));
  beforeAll(async () => {
    const d = shared;
    pristine = await jobProject(d, IMAGES);
    const reference = join(d, 'reference.lw');
    copyFileSync(pristine, reference);
    const ref = await cliToEnd(['prelabel', reference, ...ARGS]);
    expect(ref.code, ref.stderr).toBe(0);
    expect(ref.json).toMatchObject({ state: 'done', done: IMAGES });
    expected = canonicalJobOutput(reference);
  }, 600_000);

  for (const n of [2, 3])
    it(`${n} concurrent CLI workers, random SIGKILLs and a final resume: equal to one uninterrupted run, no duplicates`, async () => {
      for (let round = 1; round <= ROUNDS; round++) {
        await killedAndResumed(n);
        if (ROUNDS > 1) console.log(`${n} workers: round ${round} of ${ROUNDS} passed`);
      }
    }, 300_000 * ROUNDS);

  async function killedAndResumed(n: number): Promise<void> {
    const p = join(tmp(), 'p.lw');
    copyFileSync(pristine, p);

    // n workers start at once (the same command in n terminals); each kill takes a random
    // worker's whole process group mid-job and a new worker joins in its place.
    const all: Worker[] = Array.from({ length: n }, () => startWorker(p));
    let live = [...all];
    let kills = 0;
    let mostOwners = 0;
    const waitFor = async (target: number) => {
      while (live.some((w) => w.child.exitCode === null) && settled(p) < target) {
        mostOwners = Math.max(mostOwners, owners(p));
        await sleep(15);
      }
    };
    try {
      for (let k = 0; k < 4; k++) {
        await waitFor(settled(p) + 5 + Math.floor(Math.random() * 30));
        await sleep(Math.random() * 100);
        const running = live.filter((w) => w.child.exitCode === null);
        if (!running.length || settled(p) >= IMAGES - 10) break;
        const victim = running[Math.floor(Math.random() * running.length)];
        killGroup(victim);
        kills++;
        await victim.exited;
        const fresh = startWorker(p);
        all.push(fresh);
        live = [...live.filter((w) => w !== victim), fresh];
      }
      // Last: every worker still running dies at a random point; the resume finishes the job.
      await waitFor(settled(p) + Math.floor(Math.random() * 20));
      for (const w of live) if (w.child.exitCode === null) killGroup(w);
    } finally {
      for (const w of all) if (w.child.exitCode === null) killGroup(w);
      await Promise.all(all.map((w) => w.exited));
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    // The workers really shared the job: claims of more than one process at the same time.
    expect(mostOwners).toBeGreaterThanOrEqual(2);
    // A worker that was not killed ran to its end: exit 0.
    for (const w of all) if (!w.killed) expect(await w.exited, w.stderr).toBe(0);

    const resumed = await cliToEnd(['jobs', 'resume', p, '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json).toMatchObject({ jobId: 1, state: 'done', total: IMAGES, done: IMAGES, failed: 0 });

    expect(canonicalJobOutput(p)).toEqual(expected);
    const db = new Database(p, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      // One job and its one run: the workers joined the job instead of starting their own.
      expect(db.prepare(`SELECT count(*) AS n FROM jobs`).get()).toEqual({ n: 1 });
      expect(db.prepare(`SELECT count(*) AS n FROM runs`).get()).toEqual({ n: 1 });
      expect(db.prepare(`SELECT count(*) AS n FROM job_items WHERE owner IS NOT NULL OR state != 'done'`).get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }
});
