import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ProjectDb, APPLICATION_ID } from './project-db';
import { LATEST_SCHEMA } from './migrations';
import { LwError } from '../shared/errors';
import { useTmp } from '../testing/tmp';
import { REPO_ROOT } from '../testing/cli';

const tmp = useTmp();
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

function errorOf(fn: () => unknown): LwError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LwError) return e;
    throw e;
  }
  throw new Error('expected an LwError');
}

describe('project file', () => {
  it('is created with WAL, foreign keys, our application id and the latest schema', () => {
    const p = join(tmp(), 'a.lw');
    const pdb = ProjectDb.open(p, { create: true });
    expect(pdb.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(pdb.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(pdb.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(pdb.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA);
    const tables = (pdb.db.prepare(`SELECT name FROM sqlite_schema WHERE type='table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['images', 'categories', 'runs', 'predictions', 'annotations', 'jobs', 'job_items']));
    pdb.close();
  });

  it('refuses a missing file unless asked to create it', () => {
    expect(errorOf(() => ProjectDb.open(join(tmp(), 'nope.lw'))).code).toBe('NOT_FOUND');
  });

  it('refuses a project from a newer version and leaves the file untouched', () => {
    const p = join(tmp(), 'future.lw');
    ProjectDb.open(p, { create: true }).close();
    const raw = new Database(p);
    raw.pragma(`user_version = ${LATEST_SCHEMA + 5}`);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = sha(p);
    const e = errorOf(() => ProjectDb.open(p));
    expect(e.code).toBe('PROJECT_NEWER_VERSION');
    expect(e.message).toContain(`schema ${LATEST_SCHEMA + 5}`);
    expect(e.hint).toMatch(/Update Labelwright/);
    expect(sha(p)).toBe(before);
  });

  it('refuses files that are not Labelwright projects', () => {
    const d = tmp();
    const text = join(d, 'notes.lw');
    writeFileSync(text, 'hello, this is not a database\n'.repeat(10));
    expect(errorOf(() => ProjectDb.open(text)).code).toBe('PROJECT_NOT_LABELWRIGHT');

    const other = join(d, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    const e = errorOf(() => ProjectDb.open(other));
    expect(e.code).toBe('PROJECT_NOT_LABELWRIGHT');
    expect(e.message).toContain('not a Labelwright project');
  });

  it('opens a read-only file for reading and refuses writes with a clear error', () => {
    const p = join(tmp(), 'ro.lw');
    const w = ProjectDb.open(p, { create: true });
    w.tx(() => w.db.prepare(`INSERT INTO categories (name, name_key, color, prompt, created_at) VALUES ('a','a','#000000','a',0)`).run());
    w.db.pragma('wal_checkpoint(TRUNCATE)');
    w.close();
    chmodSync(p, 0o444);
    const before = sha(p);
    const r = ProjectDb.open(p);
    expect(r.readonly).toBe(true);
    expect((r.db.prepare('SELECT count(*) AS n FROM categories').get() as { n: number }).n).toBe(1);
    const e = errorOf(() => r.tx(() => r.db.prepare(`DELETE FROM categories`).run()));
    expect(e.code).toBe('PROJECT_READ_ONLY');
    r.close();
    expect(sha(p)).toBe(before);
  });

  it('keeps predictions immutable', () => {
    const pdb = ProjectDb.open(join(tmp(), 'p.lw'), { create: true });
    const db = pdb.db;
    pdb.tx(() => {
      db.prepare(`INSERT INTO images (path, hash, width, height, bytes, format, added_at, updated_at) VALUES ('/x.png','h',10,10,1,'png',0,0)`).run();
      db.prepare(`INSERT INTO categories (name, name_key, color, prompt, created_at) VALUES ('a','a','#000000','a',0)`).run();
      db.prepare(`INSERT INTO runs (kind, created_at) VALUES ('model', 0)`).run();
      db.prepare(`INSERT INTO predictions (run_id, image_id, category_id, x, y, w, h, area, score, created_at) VALUES (1,1,1,0,0,5,5,25,0.9,0)`).run();
    });
    expect(() => pdb.tx(() => db.prepare(`UPDATE predictions SET score = 0.1`).run())).toThrow(/immutable/);
    expect((db.prepare('SELECT score FROM predictions').get() as { score: number }).score).toBe(0.9);
    pdb.close();
  });

  it('lets two processes read and write the same project at once without corruption', async () => {
    const p = join(tmp(), 'shared.lw');
    const pdb = ProjectDb.open(p, { create: true });
    pdb.tx(() => pdb.db.prepare(`INSERT INTO images (path, hash, width, height, bytes, format, added_at, updated_at) VALUES ('/x.png','h',10,10,1,'png',0,0)`).run());
    pdb.tx(() => pdb.db.prepare(`INSERT INTO categories (name, name_key, color, prompt, created_at) VALUES ('a','a','#000000','a',0)`).run());

    // The child inserts 400 annotations in 200 transactions while we read and write too.
    const script = `
      import { ProjectDb } from ${JSON.stringify(join(REPO_ROOT, 'src-main/db/project-db.ts'))};
      const pdb = ProjectDb.open(process.argv[1]);
      const ins = pdb.db.prepare("INSERT INTO annotations (image_id, category_id, x, y, w, h, area, source, state, created_at, updated_at) VALUES (1,1,0,0,1,1,1,'human','accepted',0,0)");
      for (let i = 0; i < 200; i++) pdb.tx(() => { ins.run(); ins.run(); });
      pdb.close();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, p], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));

    const ins = pdb.db.prepare("INSERT INTO annotations (image_id, category_id, x, y, w, h, area, source, state, created_at, updated_at) VALUES (1,1,0,0,2,2,4,'human','accepted',0,0)");
    const counts: number[] = [];
    let exited = false;
    void done.then(() => (exited = true));
    for (let i = 0; i < 100 || !exited; i++) {
      if (i < 100) pdb.tx(() => ins.run());
      // Readers never see a partial transaction: the child always writes rows in pairs.
      const n = (pdb.db.prepare(`SELECT count(*) AS n FROM annotations WHERE w = 1`).get() as { n: number }).n;
      expect(n % 2).toBe(0);
      counts.push(n);
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await done, stderr).toBe(0);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect((pdb.db.prepare(`SELECT count(*) AS n FROM annotations`).get() as { n: number }).n).toBe(500);
    expect(pdb.db.pragma('integrity_check', { simple: true })).toBe('ok');
    pdb.close();
  });
});
