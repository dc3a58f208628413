/**
 * The label audit through the CLI binary with the fixture pack uniter-fixture (it scores a
 * text naming a colour present in the image +5, an absent one −5; its manifest's
 * auditThreshold is 1): `audit` as a job (flags, resume after SIGKILL, failing images,
 * refusals), `audit report`, and bundle → work → merge.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../testing/cli';
import { jobProject, queryProject } from '../../testing/job-projects';
import { BLUE, plantedImage, RED } from '../../testing/planted-images';
import { useTmp } from '../../testing/tmp';
import { ProjectService } from '../../services/project-service';

const tmp = useTmp();
const BIN = join(REPO_ROOT, 'bin', 'labelwright.js');

/**
 * a-red.png: a red square, no annotation; b-red.png: a red square annotated (by a person)
 * only as blue; c-blue.png: a blue square annotated as blue. Categories red and blue.
 */
async function auditProject(): Promise<{ d: string; p: string }> {
  const d = tmp();
  const img = join(d, 'img');
  await mkdir(img);
  await writeFile(
    join(img, 'a-red.png'),
    await plantedImage(320, 240, [{ x: 40, y: 50, w: 90, h: 90, colour: RED }]),
  );
  await writeFile(
    join(img, 'b-red.png'),
    await plantedImage(200, 300, [{ x: 20, y: 150, w: 70, h: 70, colour: RED }]),
  );
  await writeFile(
    join(img, 'c-blue.png'),
    await plantedImage(640, 200, [{ x: 500, y: 20, w: 100, h: 100, colour: BLUE }]),
  );
  const p = join(d, 'p.lw');
  for (const args of [
    ['init', p],
    ['add', p, img],
    ['categories', p, 'add', 'red,blue'],
  ])
    expect(runCli(args).code).toBe(0);
  const svc = ProjectService.open(p);
  try {
    const [red, blue] = svc.listCategories();
    expect([red.name, blue.name]).toEqual(['red', 'blue']);
    const id = (name: string) => svc.listImages().find((i) => basename(i.path) === name)!.id;
    svc.applyAnnotationChanges(id('b-red.png'), [
      { op: 'create', categoryId: blue.id, bbox: [20, 150, 70, 70] },
    ]);
    svc.applyAnnotationChanges(id('c-blue.png'), [
      { op: 'create', categoryId: blue.id, bbox: [500, 20, 100, 100] },
    ]);
  } finally {
    svc.close();
  }
  return { d, p };
}

/** Every stored audit score without timestamps or row ids, sorted; equal dumps mean the same scores, each once. */
function auditDump(p: string): string[] {
  const db = new Database(p, { readonly: true });
  try {
    return (
      db
        .prepare(
          `SELECT i.path, c.name, r.pack_id, r.pack_sha256, s.rank_logit, s.regions, s.truncated_pieces
           FROM audit_scores s JOIN images i ON i.id = s.image_id JOIN categories c ON c.id = s.category_id JOIN runs r ON r.id = s.run_id`,
        )
        .all() as Record<string, unknown>[]
    )
      .map((r) => JSON.stringify({ ...r, path: basename(String(r.path)) }))
      .sort();
  } finally {
    db.close();
  }
}

const count = (p: string, table: string) =>
  queryProject<{ n: number }>(p, `SELECT count(*) AS n FROM ${table}`).n;

describe('labelwright audit', () => {
  it('flags "likely missing: red" on an unannotated red square and "doubtful: blue" where red is labelled blue; labels stay untouched', async () => {
    const { p } = await auditProject();
    const before = {
      annotations: count(p, 'annotations'),
      statuses: queryProject<{ s: string }>(p, `SELECT group_concat(status) AS s FROM images ORDER BY id`).s,
    };

    const run = runCli(['--json', 'audit', p, '--pack', 'uniter-fixture']);
    expect(run.code, run.stderr).toBe(0);
    // Every image is scored, those people annotated included: the audit is there to check them.
    expect(run.json).toMatchObject({
      mode: 'audit',
      state: 'done',
      total: 3,
      done: 3,
      failed: 0,
      skipped: 0,
      packs: ['uniter-fixture'],
      failures: [],
    });

    const report = runCli(['audit', 'report', p]);
    expect(report.code, report.stderr).toBe(0);
    const lines = report.stdout.split('\n');
    const flagLines = lines.filter((l) => /^(likely missing|doubtful):/.test(l));
    // Most suspicious first: blue on b-red scores −5 against threshold 1 (6 logits off), red on a-red and b-red +5 (4 off).
    expect(flagLines[0]).toBe(
      'doubtful: blue  b-red.png  rank_logit -5.00 < threshold 1.00  (1 annotation(s))',
    );
    expect(flagLines.slice(1).sort()).toEqual([
      'likely missing: red  a-red.png  rank_logit 5.00 ≥ threshold 1.00',
      'likely missing: red  b-red.png  rank_logit 5.00 ≥ threshold 1.00',
    ]);
    expect(report.stdout).toContain('rank_logit is UNITER’s raw image–text match score');
    expect(report.stdout).toMatch(/^red\s+1\.00 \(pack\)\s+3\s+2\s+0$/m);
    expect(report.stdout).toMatch(/^blue\s+1\.00 \(pack\)\s+3\s+0\s+1$/m);

    // The audit wrote scores only: no predictions, annotations and review statuses as they were.
    expect(count(p, 'predictions')).toBe(0);
    expect(count(p, 'annotations')).toBe(before.annotations);
    expect(queryProject<{ s: string }>(p, `SELECT group_concat(status) AS s FROM images ORDER BY id`).s).toBe(
      before.statuses,
    );
    expect(count(p, 'audit_scores')).toBe(6);
    const run1 = queryProject<{ params_json: string; pack_id: string; pack_sha256: string }>(
      p,
      `SELECT params_json, pack_id, pack_sha256 FROM runs`,
    );
    expect(run1.pack_id).toBe('uniter-fixture');
    expect(run1.pack_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(run1.params_json).auditThreshold).toBe(1);

    // Adding the missing label clears its flag at once (the stored flags follow every annotation write).
    const svc = ProjectService.open(p);
    try {
      const red = svc.listCategories().find((c) => c.name === 'red')!;
      const a = svc.listImages().find((i) => basename(i.path) === 'a-red.png')!;
      svc.applyAnnotationChanges(a.id, [{ op: 'create', categoryId: red.id, bbox: [40, 50, 90, 90] }]);
    } finally {
      svc.close();
    }
    const after = runCli(['audit', 'report', p]);
    expect(after.stdout).not.toContain('likely missing: red  a-red.png');
    expect(after.stdout).toContain('likely missing: red  b-red.png');
  }, 120_000);

  it('--json: the job as prelabel reports it, and the report as data; --limit cuts the list, not the counts', async () => {
    const { p } = await auditProject();
    expect(runCli(['audit', p, '--pack', 'uniter-fixture']).code).toBe(0);
    const r = runCli(['--json', 'audit', 'report', p]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.scoredImages).toBe(3);
    expect(r.json.totalFlags).toBe(3);
    expect(
      r.json.flags.map(
        (f: { kind: string; name: string; imageName: string }) => `${f.kind} ${f.name} ${f.imageName}`,
      ),
    ).toEqual([
      'doubtful blue b-red.png',
      expect.stringMatching(/^missing red [ab]-red\.png$/),
      expect.stringMatching(/^missing red [ab]-red\.png$/),
    ]);
    const [first] = r.json.flags;
    expect(first).toMatchObject({
      kind: 'doubtful',
      rankLogit: -5,
      threshold: 1,
      suspicion: 6,
      annotations: 1,
      packId: 'uniter-fixture',
    });
    expect(first.packSha256).toMatch(/^[0-9a-f]{64}$/);
    const suspicions = r.json.flags.map((f: { suspicion: number }) => f.suspicion);
    expect(suspicions).toEqual([...suspicions].sort((x: number, y: number) => y - x));
    expect(r.json.categories).toEqual([
      expect.objectContaining({
        name: 'red',
        threshold: 1,
        thresholdSource: 'pack',
        scoredImages: 3,
        likelyMissing: 2,
        doubtful: 0,
      }),
      expect.objectContaining({
        name: 'blue',
        threshold: 1,
        thresholdSource: 'pack',
        scoredImages: 3,
        likelyMissing: 0,
        doubtful: 1,
      }),
    ]);

    const limited = runCli(['--json', 'audit', 'report', p, '--limit', '1']);
    expect(limited.json.flags).toHaveLength(1);
    expect(limited.json.totalFlags).toBe(3);
    expect(limited.json.categories).toEqual(r.json.categories);
    const text = runCli(['audit', 'report', p, '--limit', '1']);
    expect(text.stdout).toContain('… and 2 more');

    const bad = runCli(['audit', 'report', p, '--limit', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit must be a positive whole number');
  }, 120_000);

  it('survives SIGKILL: the same command resumes, and every (image, category) is scored once, as in an uninterrupted run', async () => {
    const d = tmp();
    const p = await jobProject(d, 40);
    const reference = join(d, 'reference.lw');
    copyFileSync(p, reference);
    const ref = runCli(['audit', reference, '--pack', 'uniter-fixture']);
    expect(ref.code, ref.stderr).toBe(0);

    const done = () =>
      queryProject<{ n: number }>(p, `SELECT count(*) AS n FROM job_items WHERE state = 'done'`)?.n ?? 0;
    let kills = 0;
    for (let attempt = 0; attempt < 6 && kills < 2; attempt++) {
      const before = done();
      if (before >= 36) break;
      const child = spawn(process.execPath, [BIN, 'audit', p, '--pack', 'uniter-fixture'], {
        stdio: 'ignore',
      });
      const exited = new Promise<void>((r) => child.on('exit', () => r()));
      const target = before + 1 + Math.floor(Math.random() * 8);
      while (child.exitCode === null && done() < target) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, Math.random() * 100));
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills++;
      }
      await exited;
    }
    expect(kills).toBeGreaterThanOrEqual(1);
    expect(done()).toBeLessThan(40);

    const resumed = runCli(['--json', 'audit', p, '--pack', 'uniter-fixture']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json).toMatchObject({ jobId: 1, mode: 'audit', state: 'done', done: 40, failed: 0 });
    expect(auditDump(p)).toEqual(auditDump(reference));
    expect(auditDump(p)).toHaveLength(80);
    const db = new Database(p, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare(`SELECT count(*) AS n FROM jobs`).get()).toEqual({ n: 1 });
      expect(db.prepare(`SELECT count(*) AS n FROM runs`).get()).toEqual({ n: 1 });
      // Each item committed once: a killed worker's image in flight had written nothing.
      expect(db.prepare(`SELECT count(*) AS n FROM job_items WHERE attempts <> 1`).get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }, 240_000);

  it('an image that fails is a failed item with its reason; the rest are scored', async () => {
    const d = tmp();
    const p = await jobProject(d, 6);
    // Damaged after it was added (a disk error, a sync tool): the audit finds out.
    const broken = join(d, 'img', 'img002.png');
    writeFileSync(broken, readFileSync(broken).subarray(0, 60));
    const r = runCli(['--json', 'audit', p, '--pack', 'uniter-fixture']);
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({ state: 'done', done: 5, failed: 1 });
    expect(r.json.failures).toEqual([{ path: broken, error: expect.stringMatching(/img002\.png/) }]);
    expect(count(p, 'audit_scores')).toBe(10);
    const text = runCli(['audit', p, '--pack', 'uniter-fixture']);
    expect(text.stdout).toContain(`failed: ${broken}:`);
  }, 120_000);

  it('refuses a detector pack for an audit, and a uniter pack for pre-labeling, creating nothing', async () => {
    const { p } = await auditProject();
    const categories = () =>
      runCli(['--json', 'categories', p, 'list']).json.map((c: { name: string }) => c.name);
    const glip = runCli(['audit', p, '--pack', 'glip-fixture', '--categories', 'green']);
    expect(glip.code).toBe(2);
    expect(glip.stderr).toContain('glip-fixture is a glip pack: an audit scores each category');
    const two = runCli(['audit', p, '--pack', 'uniter-fixture', '--pack', 'uniter-fixture']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('An audit runs one uniter pack; 2 were given');
    const noPack = runCli(['audit', p]);
    expect(noPack.code).toBe(2);
    expect(noPack.stderr).toContain('audit needs --pack');
    const pre = runCli(['prelabel', p, '--pack', 'uniter-fixture']);
    expect(pre.code).toBe(2);
    expect(pre.stderr).toContain('uniter-fixture is a uniter pack');
    expect(pre.stderr).toContain('labelwright audit');
    expect(count(p, 'jobs')).toBe(0);
    expect(count(p, 'runs')).toBe(0);
    expect(count(p, 'audit_scores')).toBe(0);
    expect(categories()).toEqual(['red', 'blue']);
  }, 120_000);
});

describe('bundle --audit → work → merge', () => {
  it('two shards merged equal a local audit; merging again imports nothing new', async () => {
    const d = tmp();
    const p = await jobProject(d, 8);
    const local = join(d, 'local.lw');
    copyFileSync(p, local);
    expect(runCli(['audit', local, '--pack', 'uniter-fixture']).code).toBe(0);

    const bundle = join(d, 'bundle');
    const b = runCli([
      '--json',
      'bundle',
      p,
      '--pack',
      'uniter-fixture',
      '--audit',
      '--shards',
      '2',
      '--out',
      bundle,
    ]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.json).toMatchObject({ shards: 2, images: 8 });
    expect(JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')).mode).toBe('audit');
    for (const shard of ['0', '1']) {
      const w = runCli(['--json', 'work', bundle, '--shard', shard]);
      expect(w.code, w.stderr).toBe(0);
      expect(w.json).toMatchObject({ state: 'done', failed: 0, total: 4 });
    }
    const m = runCli(['--json', 'merge', p, bundle]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.json.shards.map((s: { imported: number }) => s.imported)).toEqual([4, 4]);
    expect(m.json.counts).toMatchObject({ done: 8, pending: 0, failed: 0 });
    expect(auditDump(p)).toEqual(auditDump(local));
    expect(count(p, 'predictions')).toBe(0);

    const again = runCli(['--json', 'merge', p, bundle]);
    expect(again.code, again.stderr).toBe(0);
    expect(
      again.json.shards.map((s: { imported: number; already: number }) => [s.imported, s.already]),
    ).toEqual([
      [0, 4],
      [0, 4],
    ]);
    expect(auditDump(p)).toEqual(auditDump(local));
    expect(queryProject<{ n: number }>(p, `SELECT count(*) AS n FROM job_items WHERE attempts <> 1`).n).toBe(
      0,
    );
  }, 180_000);
});
