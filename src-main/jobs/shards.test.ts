import { describe, expect, it, onTestFinished } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REPO_ROOT, runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';
import { plantedImage, RED, BLUE } from '../testing/planted-images';

const tmp = useTmp();
const BIN = join(REPO_ROOT, 'bin', 'labelwright.js');

/** n distinct small images in two sub-folders, each with one red or blue rectangle at its own place. */
async function makeImages(dir: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const [w, h] = [96, 72];
    const rw = 24 + (i % 5) * 4, rh = 20 + (i % 3) * 4;
    const x = (i * 7) % (w - rw), y = Math.floor(i / 7) % (h - rh);
    const sub = join(dir, i % 3 ? 'day' : 'night');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `img${String(i).padStart(3, '0')}.png`), await plantedImage(w, h, [{ x, y, w: rw, h: rh, colour: i % 2 ? RED : BLUE }]));
  }
}

/** A project over n images with two categories, and an identical copy to run `prelabel` on. */
async function projects(n: number) {
  const d = tmp();
  await makeImages(join(d, 'img'), n);
  const p = join(d, 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  expect(runCli(['add', p, join(d, 'img')]).code).toBe(0);
  expect(runCli(['categories', p, 'add', 'red,blue']).code).toBe(0);
  const reference = join(d, 'reference.lw');
  copyFileSync(p, reference);
  // The workers read the images from another place than where they were added: --images-root.
  const elsewhere = join(d, 'mounted-images');
  cpSync(join(d, 'img'), elsewhere, { recursive: true });
  return { d, p, reference, elsewhere, bundle: join(d, 'bundle') };
}

function withDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/**
 * The project's model output and job state without ids or timestamps, one sorted line per
 * row: predictions, annotations (with the prediction they came from), images' review
 * state and the job's items.
 */
function canonicalDump(file: string): Record<string, string[]> {
  return withDb(file, (db) => {
    const rows = (sql: string) => (db.prepare(sql).all() as Record<string, unknown>[]).map((r) => JSON.stringify(r)).sort();
    const name = `replace(i.path, rtrim(i.path, replace(i.path, '/', '')), '')`;
    return {
      predictions: rows(
        `SELECT ${name} AS image, r.pack_id, p.category_id, p.x, p.y, p.w, p.h, p.rle, p.area, p.score, p.phrase
         FROM predictions p JOIN images i ON i.id = p.image_id JOIN runs r ON r.id = p.run_id`,
      ),
      annotations: rows(
        `SELECT ${name} AS image, a.category_id, a.x, a.y, a.w, a.h, a.rle, a.area, a.source, a.state, a.score, p.score AS pred_score, p.x AS pred_x
         FROM annotations a JOIN images i ON i.id = a.image_id LEFT JOIN predictions p ON p.id = a.prediction_id`,
      ),
      images: rows(`SELECT ${name} AS image, i.status, i.human_touched_at IS NULL AS untouched FROM images i`),
      items: rows(`SELECT ${name} AS image, j.state, j.error, j.attempts FROM job_items j JOIN images i ON i.id = j.image_id`),
    };
  });
}

/** How many outcomes a shard's results file holds (0 before its worker created it). */
function resultRows(file: string): number {
  if (!existsSync(file)) return 0;
  return withDb(file, (db) => {
    const made = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'shard_items'`).get() as { n: number };
    return made.n ? (db.prepare(`SELECT count(*) AS n FROM shard_items`).get() as { n: number }).n : 0;
  });
}
const shardFile = (bundle: string, i: number) => join(bundle, 'results', `shard-${String(i).padStart(4, '0')}.sqlite`);

/** A `work` process in its own process group, so a kill takes everything it started. */
function startWorker(bundle: string, shard: number, root: string): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, 'work', bundle, '--images-root', root], {
    stdio: 'ignore',
    detached: true,
    env: { ...process.env, JOB_COMPLETION_INDEX: String(shard) },
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited };
}

/** A failed test leaves no worker behind (they would write into the next test's folders). */
function stopAll(children: ChildProcess[]): void {
  for (const c of children)
    if (c.exitCode === null && c.signalCode === null)
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
}

async function until(cond: () => boolean, what: string, limitMs = 120_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('bundle → work (shards) → merge', () => {
  it('three parallel shards, one SIGKILLed and restarted, merged twice (once mid-run): the project equals a local prelabel run row for row', async () => {
    const { p, reference, elsewhere, bundle } = await projects(200);
    const ref = runCli(['prelabel', reference, '--pack', 'glip-fixture']);
    expect(ref.code, ref.stderr).toBe(0);

    const made = runCli(['--json', 'bundle', p, '--pack', 'glip-fixture', '--shards', '3', '--out', bundle]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.json).toMatchObject({ jobId: 1, shards: 3, images: 200 });
    const lists = [0, 1, 2].map((i) => JSON.parse(readFileSync(join(bundle, 'shards', `shard-000${i}.json`), 'utf8')).images.length as number);
    expect(lists.reduce((a, b) => a + b)).toBe(200);

    const workers = [0, 1, 2].map((i) => startWorker(bundle, i, elsewhere));
    onTestFinished(() => stopAll(workers.map((w) => w.child)));
    // Kill shard 1 after a random amount of progress, process group and all.
    const killAt = 3 + Math.floor(Math.random() * 30);
    await until(() => resultRows(shardFile(bundle, 1)) >= killAt || workers[1].child.exitCode !== null, 'shard 1 to make progress');
    await new Promise((r) => setTimeout(r, Math.random() * 100));
    expect(workers[1].child.exitCode, 'shard 1 finished before it could be killed').toBeNull();
    process.kill(-workers[1].child.pid!, 'SIGKILL');
    await workers[1].exited;
    const atKill = resultRows(shardFile(bundle, 1));
    expect(atKill).toBeLessThan(lists[1]);

    // Started again, it goes on from what its file holds. Merge while it runs: it is paused
    // (SIGSTOP to its process group) the moment it exists, so during the first merge it is
    // provably alive and its results file provably partial, however fast this machine is;
    // then it goes on (SIGCONT) and the file grows after that merge.
    const again = startWorker(bundle, 1, elsewhere);
    onTestFinished(() => stopAll([again.child]));
    process.kill(-again.child.pid!, 'SIGSTOP');
    const first = runCli(['--json', 'merge', p, bundle]);
    expect(again.child.exitCode, 'the restarted shard 1 is still running').toBeNull();
    expect(first.code, first.stderr).toBe(0);
    const firstShard1 = first.json.shards.find((s: { file: string }) => s.file.endsWith('shard-0001.sqlite'));
    expect(firstShard1.imported).toBe(atKill);
    process.kill(-again.child.pid!, 'SIGCONT');

    expect(await workers[0].exited).toBe(0);
    expect(await workers[2].exited).toBe(0);
    expect(await again.exited).toBe(0);
    expect([0, 1, 2].map((i) => resultRows(shardFile(bundle, i)))).toEqual(lists);

    const second = runCli(['--json', 'merge', p, bundle]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json.counts).toMatchObject({ total: 200, done: 200, pending: 0, failed: 0 });
    const importedAll = [...first.json.shards, ...second.json.shards].reduce((n: number, s: { imported: number }) => n + s.imported, 0);
    expect(importedAll).toBe(200);
    // A third merge finds nothing new.
    const third = runCli(['--json', 'merge', p, bundle]);
    expect(third.json.shards.map((s: { imported: number }) => s.imported)).toEqual([0, 0, 0]);

    expect(canonicalDump(p)).toEqual(canonicalDump(reference));
    withDb(p, (db) => {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare(`SELECT count(*) AS n FROM jobs`).get()).toEqual({ n: 1 });
      expect(db.prepare(`SELECT state FROM jobs`).get()).toEqual({ state: 'done' });
      expect(db.prepare(`SELECT count(*) AS n FROM runs`).get()).toEqual({ n: 1 });
      expect(db.prepare(`SELECT count(*) AS n FROM (SELECT image_id, run_id FROM predictions GROUP BY image_id, run_id, category_id, x, y, w, h, score HAVING count(*) > 1)`).get()).toEqual({ n: 0 });
    });
  }, 300_000);

  it('leaves the rest of the job to a local prelabel: two packs fused, one shard merged, prelabel finishes the same job', async () => {
    const { p, reference, elsewhere, bundle } = await projects(10);
    const args = ['--pack', 'glip-fixture', '--pack', 'groupvit-fixture', '--fuse', '--threshold', '0.3'];
    expect(runCli(['prelabel', reference, ...args]).code).toBe(0);
    const made = runCli(['bundle', p, ...args, '--shards', '2', '--out', bundle]);
    expect(made.code, made.stderr).toBe(0);
    // The same command again on the same folder keeps the bundle.
    expect(runCli(['--json', 'bundle', p, ...args, '--shards', '2', '--out', bundle]).json).toMatchObject({ jobId: 1, existing: true });

    const work = runCli(['work', bundle, '--shard', '0', '--images-root', elsewhere]);
    expect(work.code, work.stderr).toBe(0);
    const merged = runCli(['--json', 'merge', p, bundle]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.json.counts).toMatchObject({ done: 5, pending: 5 });

    const rest = runCli(['--json', 'prelabel', p, ...args]);
    expect(rest.code, rest.stderr).toBe(0);
    expect(rest.json).toMatchObject({ jobId: 1, state: 'done', done: 10, failed: 0 });
    expect(canonicalDump(p)).toEqual(canonicalDump(reference));
    withDb(p, (db) => expect(db.pragma('integrity_check', { simple: true })).toBe('ok'));
    // Another command's bundle is not written over this one.
    const other = runCli(['bundle', p, '--pack', 'glip-fixture', '--images', 'all', '--shards', '2', '--out', bundle]);
    expect(other.code).toBe(4);
    expect(other.stderr).toContain('already holds the bundle of another job');
    const empty = join(tmp(), 'not-a-bundle');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'x');
    expect(runCli(['bundle', p, ...args, '--shards', '2', '--out', empty]).stderr).toContain('is not empty and holds no bundle');
  }, 180_000);

  it('records an image whose content is not the bundled one as a failed item, with its reason, through merge', async () => {
    const { p, elsewhere, bundle } = await projects(6);
    expect(runCli(['bundle', p, '--pack', 'glip-fixture', '--shards', '1', '--out', bundle]).code).toBe(0);
    const list = JSON.parse(readFileSync(join(bundle, 'shards', 'shard-0000.json'), 'utf8')) as { images: { path: string }[] };
    const victim = list.images[2].path;
    writeFileSync(join(elsewhere, victim), await plantedImage(96, 72, [{ x: 1, y: 1, w: 30, h: 30, colour: RED }]));
    const work = runCli(['work', bundle, '--shard', '0', '--images-root', elsewhere]);
    expect(work.code).toBe(3);
    expect(work.stdout).toContain('not the one that was bundled');
    const merged = runCli(['--json', 'merge', p, bundle]);
    expect(merged.json.counts).toMatchObject({ done: 5, failed: 1, pending: 0 });
    const failed = runCli(['--json', 'jobs', 'show', p, '1']);
    expect(JSON.stringify(failed.json)).toContain('not the one that was bundled');
  }, 120_000);

  it('refuses to work with a pack whose sha256 is not the bundle’s (exit 5, nothing written)', async () => {
    const { p, elsewhere, bundle } = await projects(4);
    expect(runCli(['bundle', p, '--pack', 'glip-fixture', '--shards', '2', '--out', bundle]).code).toBe(0);
    const file = join(bundle, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    manifest.packs[0].sha256 = 'f'.repeat(64);
    writeFileSync(file, JSON.stringify(manifest));
    const work = runCli(['work', bundle, '--shard', '1', '--images-root', elsewhere]);
    expect(work.code).toBe(5);
    expect(work.stderr).toMatch(/error: Model pack "glip-fixture" on this machine .* is not the one the bundle was made with: sha256 [0-9a-f]{64}, the bundle says f{64}/);
    expect(work.stderr).toContain('hint:');
    expect(existsSync(shardFile(bundle, 1))).toBe(false);
  }, 120_000);

  it('refuses at merge a shard run with other parameters, naming its file, and imports nothing of it', async () => {
    const { p, elsewhere, bundle } = await projects(6);
    expect(runCli(['bundle', p, '--pack', 'glip-fixture', '--shards', '2', '--out', bundle]).code).toBe(0);
    expect(runCli(['work', bundle, '--shard', '0', '--images-root', elsewhere]).code).toBe(0);
    // Shard 1 runs from a manifest whose threshold was changed after bundling.
    const file = join(bundle, 'manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...manifest, threshold: 0.05 }));
    expect(runCli(['work', bundle, '--shard', '1', '--images-root', elsewhere]).code).toBe(0);
    writeFileSync(file, JSON.stringify(manifest));

    const merged = runCli(['merge', p, bundle]);
    expect(merged.code).toBe(4);
    expect(merged.stderr).toContain(`error: ${shardFile(bundle, 1)} was run with other parameters than job 1`);
    expect(merged.stdout).toContain(`${shardFile(bundle, 0)}: 3 imported`);
    const counts = runCli(['--json', 'jobs', 'show', p, '1']).json;
    expect(counts).toMatchObject({ done: 3 });
  }, 120_000);
});
