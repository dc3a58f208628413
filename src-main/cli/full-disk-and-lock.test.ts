import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, type CliResult } from '../testing/cli';
import { initSampleProject } from '../testing/sample-project';
import { useTmp } from '../testing/tmp';
import { writeImage } from '../testing/write-image';

const tmp = useTmp();
const BIN = join(REPO_ROOT, 'bin', 'labelwright.js');

/**
 * The CLI with no room to grow any file beyond 16 KB (RLIMIT_FSIZE, SIGXFSZ ignored):
 * SQLite cannot grow the project's 32 KB -shm index, exactly as on a full disk (the same
 * SQLITE_IOERR_SHMSIZE, "disk I/O error", that a full tmpfs gives), while a small export
 * target still fits.
 */
function runCliOnFullDisk(args: string[]): CliResult {
  const r = spawnSync('/bin/sh', ['-c', 'ulimit -f 32 && trap "" XFSZ && exec "$0" "$@"', process.execPath, BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  let json: unknown;
  try {
    json = args.includes('--json') ? JSON.parse(r.stdout) : undefined;
  } catch {
    json = undefined;
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}

describe('read-only commands on a full disk (issue 10, item 11)', () => {
  it('stats, jobs, jobs show and export coco read the project; an export target on a full disk says so, exit 4', async () => {
    const { d, p } = initSampleProject(tmp(), { add: true });
    expect(runCli(['categories', p, 'add', 'red,blue']).code).toBe(0);
    const job = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture']);
    expect(job.code, job.stderr).toBe(0);

    const stats = runCliOnFullDisk(['--json', 'stats', p]);
    expect(stats.stderr).not.toMatch(/disk I\/O error/);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.json).toMatchObject({ images: 8, categories: 2 });

    const jobs = runCliOnFullDisk(['--json', 'jobs', p]);
    expect(jobs.code, jobs.stderr).toBe(0);
    expect(jobs.json).toMatchObject([{ jobId: 1, state: 'done', done: 8 }]);
    const show = runCliOnFullDisk(['jobs', 'show', p, '1']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/8 done/);

    const out = join(d, 'out.json');
    const exp = runCliOnFullDisk(['--json', 'export', 'coco', p, out]);
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.json).toMatchObject({ images: 8 });

    // The target's own disk is full too: its own clear error, nothing left behind, project untouched.
    const full = join(d, 'full.json');
    symlinkSync('/dev/full', `${full}.partial`);
    const bad = runCliOnFullDisk(['export', 'coco', p, full]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/disk is full while writing .*full\.json; the export was discarded/);
    expect(runCli(['--json', 'stats', p]).json).toMatchObject({ images: 8 });

    // A command that writes says the disk is full and that nothing was changed: exit 4, not 1.
    const more = join(d, 'more');
    mkdirSync(more);
    await writeImage(join(more, 'x.png'), 8, 8);
    const add = runCliOnFullDisk(['add', p, more]);
    expect(add.code, add.stderr).toBe(4);
    expect(add.stderr).toMatch(/^error: Cannot open .*p\.lw: SQLite could not create its shared-memory index .* is the disk full\? Nothing was changed\nhint: Free some space/);
    expect(runCli(['--json', 'stats', p]).json).toMatchObject({ images: 8 });
  }, 120_000);
});

describe('pre-labeling when the project stops taking writes (issue 10, item 11)', () => {
  it('another process holding the write lock pauses the job with what was kept, exit 4; the item in flight is pending; the same command resumes', async () => {
    const d = tmp();
    const img = join(d, 'img');
    mkdirSync(img);
    for (let i = 0; i < 120; i++) await writeImage(join(img, `${String(i).padStart(3, '0')}.png`), 320, 240, { seed: i + 1 });
    const p = join(d, 'p.lw');
    expect(runCli(['init', p]).code).toBe(0);
    expect(runCli(['add', p, img]).code).toBe(0);
    expect(runCli(['categories', p, 'add', 'red,blue']).code).toBe(0);

    const done = () => {
      const db = new Database(p, { readonly: true });
      try {
        return (db.prepare(`SELECT count(*) AS n FROM job_items WHERE state = 'done'`).get() as { n: number } | undefined)?.n ?? 0;
      } catch {
        return 0;
      } finally {
        db.close();
      }
    };
    const child = spawn(process.execPath, [BIN, '--json', 'prelabel', p, '--pack', 'glip-fixture'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const exited = new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)));
    while (child.exitCode === null && done() < 3) await new Promise((r) => setTimeout(r, 20));
    // An import in another process: it holds the write lock longer than the 5 s busy timeout.
    const locker = spawn(
      process.execPath,
      ['-e', `const db = new (require('better-sqlite3'))(${JSON.stringify(p)}); db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n'); setTimeout(() => { db.exec('ROLLBACK'); db.close(); }, 14000);`],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    // Listened for now: under load the locker may be gone before the job's exit is seen.
    const lockerExited = new Promise<number>((res) => locker.on('exit', (c) => res(c ?? -1)));
    await Promise.race([
      new Promise<void>((r) => locker.stdout!.once('data', () => r())),
      lockerExited.then((c) => Promise.reject(new Error(`the locking process exited (${c}) before it held the lock`))),
    ]);
    const code = await exited;
    expect(code, stderr).toBe(4);
    const r = JSON.parse(stdout);
    expect(r.state).toBe('paused');
    expect(r.done).toBeGreaterThanOrEqual(3);
    expect(r.done).toBeLessThan(120);
    expect(r.halted.code).toBe('PROJECT_BUSY');
    expect(r.halted.message).toMatch(/busy: another process held its write lock for more than 5 s: pre-labeling paused\. \d+ image\(s\) done and saved; the image in flight \(\d+\.png\) was not and is pending again; \d+ left to do\./);
    expect(r.halted.message).not.toMatch(/database is locked/);
    await lockerExited;

    const db = new Database(p, { readonly: true });
    expect(db.prepare(`SELECT count(*) AS n FROM job_items WHERE state = 'running'`).get()).toEqual({ n: 0 });
    expect((db.prepare(`SELECT count(*) AS n FROM job_items WHERE state = 'done'`).get() as { n: number }).n).toBe(r.done);
    db.close();

    const again = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ jobId: r.jobId, state: 'done', done: 120, failed: 0 });
  }, 180_000);
});
