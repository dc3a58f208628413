import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REPO_ROOT, runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';
import { plantedImage, RED, iouXywh } from '../testing/planted-images';
import { ProjectService } from '../services/project-service';
import { LocalJobService } from './local-job-service';
import { decodeRle } from '../shared/masks';
import type { JobProgress } from '../shared/api';
import { inconsistentCounters } from '../testing/counters';
import { makeJobImages as makeImages } from '../testing/job-projects';

const tmp = useTmp();
const BIN = join(REPO_ROOT, 'bin', 'labelwright.js');

async function project(n: number, size?: [number, number]) {
  const d = tmp();
  await makeImages(join(d, 'img'), n, size);
  const p = join(d, 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  expect(runCli(['add', p, join(d, 'img')]).code).toBe(0);
  expect(runCli(['categories', p, 'add', 'red,blue']).code).toBe(0);
  return { d, p };
}

function predictionRows(p: string): string[] {
  const db = new Database(p, { readonly: true });
  const rows = db
    .prepare(
      `SELECT i.path, r.pack_id, p.category_id, p.x, p.y, p.w, p.h, p.score, p.phrase
       FROM predictions p JOIN images i ON i.id = p.image_id JOIN runs r ON r.id = p.run_id`,
    )
    .all() as Record<string, unknown>[];
  db.close();
  return rows.map((r) => JSON.stringify({ ...r, path: String(r.path).split('/').pop() })).sort();
}

function query<T>(p: string, sql: string, ...args: unknown[]): T {
  const db = new Database(p, { readonly: true });
  try {
    return db.prepare(sql).get(...args) as T;
  } finally {
    db.close();
  }
}

describe('bulk pre-labeling', () => {
  it('survives SIGKILL at random points: the resumed job equals an uninterrupted one, with no duplicates', async () => {
    const { d, p } = await project(200);
    const reference = join(d, 'reference.lw');
    copyFileSync(p, reference);
    const args = ['prelabel', '--pack', 'glip-fixture'];

    const ref = runCli([...args.slice(0, 1), reference, ...args.slice(1)]);
    expect(ref.code, ref.stderr).toBe(0);

    const done = () => query<{ n: number }>(p, `SELECT count(*) AS n FROM job_items WHERE state = 'done'`)?.n ?? 0;
    let kills = 0;
    for (let attempt = 0; attempt < 6 && kills < 3; attempt++) {
      const before = done();
      if (before >= 190) break;
      const child = spawn(process.execPath, [BIN, 'prelabel', p, '--pack', 'glip-fixture'], { stdio: 'ignore' });
      const exited = new Promise<void>((r) => child.on('exit', () => r()));
      // Kill after a random amount of progress (1 to 40 images), wherever the worker is.
      const target = before + 1 + Math.floor(Math.random() * 40);
      while (child.exitCode === null && done() < target) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, Math.random() * 150));
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills++;
      }
      await exited;
    }
    expect(kills).toBeGreaterThanOrEqual(2);

    const resumed = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json).toMatchObject({ jobId: 1, state: 'done', done: 200, failed: 0 });
    expect(predictionRows(p)).toEqual(predictionRows(reference));
    const db = new Database(p, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // One job, one run, and each image's output exactly once.
    expect(db.prepare(`SELECT count(*) AS n FROM jobs`).get()).toEqual({ n: 1 });
    expect(db.prepare(`SELECT count(*) AS n FROM runs`).get()).toEqual({ n: 1 });
    expect(db.prepare(`SELECT count(*) AS n FROM annotations WHERE state = 'pending'`).get()).toEqual(
      db.prepare(`SELECT count(*) AS n FROM predictions`).get(),
    );
    db.close();
  }, 240_000);

  it('pauses, resumes and cancels through the service API', async () => {
    const { p } = await project(24);
    const svc = ProjectService.open(p);
    const jobs = new LocalJobService(svc);
    try {
      const events: JobProgress[] = [];
      let paused = false;
      jobs.onProgress((e) => {
        events.push(e);
        if (!paused && e.done >= 3) {
          paused = true;
          void jobs.pause(e.jobId);
        }
      });
      const started = await jobs.start({ packs: ['glip-fixture'], target: { kind: 'unlabeled' } });
      const afterPause = await jobs.whenSettled(started.jobId);
      expect(afterPause.state).toBe('paused');
      expect(afterPause.done).toBeGreaterThanOrEqual(3);
      expect(afterPause.done).toBeLessThan(24);
      expect(svc.pdb.db.prepare(`SELECT count(*) AS n FROM job_items WHERE state = 'running'`).get()).toEqual({ n: 0 });
      const last = events.at(-1)!;
      expect(last).toMatchObject({ state: 'paused', total: 24 });
      expect(events.some((e) => e.state === 'running' && e.imagesPerSecond > 0 && e.currentFile?.endsWith('.png'))).toBe(true);

      await jobs.resume(started.jobId);
      const cancelAt = afterPause.done + 2;
      const off = jobs.onProgress((e) => {
        if (e.done >= cancelAt) void jobs.cancel(e.jobId);
      });
      const afterCancel = await jobs.whenSettled(started.jobId);
      off();
      expect(afterCancel.state).toBe('cancelled');
      expect(afterCancel.done).toBeGreaterThanOrEqual(cancelAt);
      expect(afterCancel.done).toBeLessThan(24);
      // The image in flight when cancel came was finished and kept.
      const committed = svc.pdb.db.prepare(`SELECT count(DISTINCT image_id) AS n FROM predictions`).get() as { n: number };
      expect(committed.n).toBe(afterCancel.done);

      await jobs.resume(started.jobId);
      const finished = await jobs.whenSettled(started.jobId);
      expect(finished).toMatchObject({ state: 'done', done: 24, failed: 0 });
      expect(svc.stats().byStatus.prelabeled).toBe(24);
      expect(inconsistentCounters(svc.pdb.db)).toEqual([]);
    } finally {
      await jobs.close();
      svc.close();
    }
  }, 120_000);

  it('pauses cleanly on Ctrl+C and the same command resumes the same job', async () => {
    const { p } = await project(40);
    const child = spawn(process.execPath, [BIN, 'prelabel', p, '--pack', 'glip-fixture'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (out += b));
    const code = new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)));
    while (child.exitCode === null && (query<{ n: number }>(p, `SELECT count(*) AS n FROM job_items WHERE state = 'done'`)?.n ?? 0) < 3)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    expect(await code).toBe(130);
    expect(out).toMatch(/Job 1 paused/);
    expect(out).toMatch(/Run the same command again/);
    expect(query<{ state: string }>(p, `SELECT state FROM jobs WHERE id = 1`).state).toBe('paused');

    const again = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ jobId: 1, state: 'done', done: 40 });
    const list = runCli(['--json', 'jobs', p]).json;
    expect(list).toHaveLength(1);
  }, 120_000);

  it('never overwrites a person’s work unless told to, and then keeps it as history', async () => {
    const { p } = await project(4);
    const svc = ProjectService.open(p);
    const edited = svc.listImages()[0];
    svc.setReviewStatus(edited.id, 'in_progress');
    svc.pdb.db
      .prepare(`INSERT INTO annotations (image_id, category_id, x, y, w, h, area, source, state, created_at, updated_at) VALUES (?, 1, 1, 2, 3, 4, 12, 'human', 'accepted', 0, 0)`)
      .run(edited.id);
    svc.close();

    const r = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture', '--images', 'all']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ done: 3, skipped: 1 });
    const human = () => query<{ state: string; n: number }>(p, `SELECT state, count(*) AS n FROM annotations WHERE source = 'human'`);
    expect(human()).toEqual({ state: 'accepted', n: 1 });
    expect(query<{ n: number }>(p, `SELECT count(*) AS n FROM annotations WHERE image_id = ? AND source = 'model'`, edited.id).n).toBe(0);
    expect(query<{ error: string }>(p, `SELECT error FROM job_items WHERE image_id = ?`, edited.id).error).toMatch(/edited by a person/);

    const o = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture', '--images', 'all', '--overwrite-human']);
    expect(o.code, o.stderr).toBe(0);
    expect(o.json).toMatchObject({ done: 4, skipped: 0 });
    expect(human()).toEqual({ state: 'archived', n: 1 });
    expect(query<{ n: number }>(p, `SELECT count(*) AS n FROM annotations WHERE image_id = ? AND source = 'model' AND state = 'pending'`, edited.id).n).toBeGreaterThan(0);
  }, 120_000);

  it('fails exactly the corrupt images, each with its reason, and completes the rest', async () => {
    const { d, p } = await project(20);
    // Damaged after they were added (a disk error, a sync tool): the job finds out.
    const garbage = [3, 14].map((i) => join(d, 'img', `img${String(i).padStart(3, '0')}.png`));
    writeFileSync(garbage[0], 'this used to be a PNG');
    writeFileSync(garbage[1], readFileSync(garbage[1]).subarray(0, 60));
    const r = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture']);
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({ state: 'done', done: 18, failed: 2 });
    expect(r.json.failures.map((f: { path: string }) => f.path)).toEqual(garbage);
    for (const f of r.json.failures) expect(f.error).toMatch(/cannot be decoded|unsupported|Input|decode|corrupt|truncat/i);
  }, 120_000);

  it('fails the job at once, marking nothing done, when a pack cannot load', async () => {
    const { d, p } = await project(3);
    const models = join(d, 'models');
    cpSync(join(REPO_ROOT, 'models', 'fixtures', 'glip-fixture'), join(models, 'broken-glip'), { recursive: true });
    const manifestPath = join(models, 'broken-glip', 'pack.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.id = 'broken-glip';
    for (const f of Object.values(manifest.files) as { sha256?: string; bytes?: number }[]) {
      delete f.sha256;
      delete f.bytes;
    }
    writeFileSync(manifestPath, JSON.stringify(manifest));
    writeFileSync(join(models, 'broken-glip', manifest.files.head.path), 'not an onnx graph');
    const r = runCli(['--json', 'prelabel', p, '--pack', 'broken-glip'], { env: { LABELWRIGHT_MODELS: models } });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/head|onnx|ONNX/);
    const db = new Database(p, { readonly: true });
    expect(db.prepare(`SELECT state, error FROM jobs`).get()).toMatchObject({ state: 'failed', error: expect.stringMatching(/failed to load/) });
    expect(db.prepare(`SELECT count(*) AS n FROM job_items WHERE state != 'pending'`).get()).toEqual({ n: 0 });
    db.close();
  }, 120_000);

  it('fuses GLIP boxes with GroupViT masks into instance masks that fit the object', async () => {
    const d = tmp();
    mkdirSync(join(d, 'img'));
    const square = { x: 150, y: 90, w: 128, h: 128 };
    writeFileSync(join(d, 'img', 'square.png'), await plantedImage(480, 320, [{ ...square, colour: RED }]));
    const p = join(d, 'p.lw');
    runCli(['init', p]);
    runCli(['add', p, join(d, 'img')]);
    const r = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture', '--pack', 'groupvit-fixture', '--categories', 'red,blue', '--fuse']);
    expect(r.code, r.stderr).toBe(0);
    const db = new Database(p, { readonly: true });
    const anns = db.prepare(`SELECT category_id, x, y, w, h, rle, area FROM annotations WHERE state = 'pending'`).all() as {
      category_id: number; x: number; y: number; w: number; h: number; rle: string | null; area: number;
    }[];
    db.close();
    expect(anns).toHaveLength(1);
    const a = anns[0];
    expect(a.category_id).toBe(1);
    expect(a.rle).not.toBeNull();
    const mask = decodeRle({ size: [320, 480], counts: a.rle! });
    let inter = 0, count = 0;
    for (let y = 0; y < 320; y++)
      for (let x = 0; x < 480; x++) {
        const m = mask.data[y * 480 + x] !== 0;
        const s = x >= square.x && x < square.x + square.w && y >= square.y && y < square.y + square.h;
        if (m) count++;
        if (m && s) inter++;
      }
    const iou = inter / (count + square.w * square.h - inter);
    expect(iou).toBeGreaterThanOrEqual(0.9);
    expect(a.area).toBe(count);
    // The box is refined from the mask.
    expect(iouXywh([a.x, a.y, a.w, a.h], [square.x, square.y, square.w, square.h])).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});
