import { describe, expect, it } from 'vitest';
import { existsSync, linkSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';
import { initSampleProject } from '../testing/sample-project';
import { serveProject } from '../testing/served-project';
import { LwError } from '../shared/errors';

const tmp = useTmp();

/** A project with images and one category, so that a clobbered file would show. */
function setup() {
  const { d, p } = initSampleProject(tmp(), { add: true });
  expect(runCli(['categories', p, 'add', 'cat']).code).toBe(0);
  return { d, p };
}

function expectRefused(p: string, target: string) {
  const before = readFileSync(p);
  const r = runCli(['export', 'coco', p, target]);
  expect(r.code, r.stdout + r.stderr).toBe(2);
  expect(r.stdout).not.toMatch(/Wrote/);
  expect(r.stderr).toContain(target);
  expect(r.stderr).toMatch(/hint:/i);
  expect(readFileSync(p).equals(before)).toBe(true);
  const stats = runCli(['--json', 'stats', p]);
  expect(stats.code, stats.stderr).toBe(0);
  expect(existsSync(`${target}.partial`)).toBe(false);
}

describe('export refuses to write onto a project', () => {
  it('refuses the project itself; the project still opens', () => {
    const { p } = setup();
    expectRefused(p, p);
    const r = runCli(['export', 'coco', p, p]);
    expect(r.stderr).toContain('the open project');
  });

  it('refuses a symlink and a hard link to the project', () => {
    const { d, p } = setup();
    const sym = join(d, 'link.json');
    symlinkSync(p, sym);
    expectRefused(p, sym);
    const hard = join(d, 'hard.json');
    linkSync(p, hard);
    expectRefused(p, hard);
  });

  it("refuses the project's -wal and -shm, existing or not", () => {
    const { p } = setup();
    expectRefused(p, `${p}-wal`);
    expectRefused(p, `${p}-shm`);
    // Whatever SQLite left there, none of it is JSON from the export.
    if (existsSync(`${p}-wal`)) expect(readFileSync(`${p}-wal`, 'utf8')).not.toContain('Exported by Labelwright');
  });

  it('refuses another project file, and any SQLite file', () => {
    const { d, p } = setup();
    const other = join(d, 'other.lw');
    expect(runCli(['init', other]).code).toBe(0);
    const before = readFileSync(other);
    const r = runCli(['export', 'coco', p, other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(other);
    expect(readFileSync(other).equals(before)).toBe(true);
    const plain = join(d, 'plain.db');
    const db = new Database(plain);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(runCli(['export', 'coco', p, plain]).code).toBe(2);
  });

  it('still overwrites an ordinary file', () => {
    const { d, p } = setup();
    const out = join(d, 'out.json');
    writeFileSync(out, 'old');
    const r = runCli(['export', 'coco', p, out]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).categories).toHaveLength(1);
  });

  it('over RPC: export.coco onto the open project is refused and later edits land in the project', async () => {
    const d = tmp();
    const srv = await serveProject(d);
    try {
      const path = join(d, 'project.lw');
      const err = await srv.client.call('export.coco', { path }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LwError);
      expect((err as LwError).code).toBe('INVALID_ARGUMENT');
      expect((err as LwError).message).toContain(path);
      const err2 = await srv.client.call('export.coco', { path: `${path}-wal` }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err2 as LwError).code).toBe('INVALID_ARGUMENT');
      await srv.client.call('categories.add', { name: 'after-export' });
      const db = new Database(path, { readonly: true });
      const names = (db.prepare('SELECT name FROM categories').all() as { name: string }[]).map((r) => r.name);
      db.close();
      expect(names).toContain('after-export');
    } finally {
      await srv.close();
    }
  });
});
