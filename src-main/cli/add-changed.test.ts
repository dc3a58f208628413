import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../testing/cli';
import { writeImage } from '../testing/write-image';
import { useTmp } from '../testing/tmp';

const tmp = useTmp();

const row = (p: string, name: string) => {
  const db = new Database(p, { readonly: true });
  try {
    return db.prepare(`SELECT id, hash, width, height, bytes, status FROM images WHERE path LIKE ?`).get(`%${name}`) as
      | { id: number; hash: string; width: number; height: number; bytes: number; status: string }
      | undefined;
  } finally {
    db.close();
  }
};

describe('labelwright add: a file whose content changed since it was added (issue 10 item 4)', () => {
  it('keeps the old record by default, says so per file, and still adds the new files of the folder', async () => {
    const d = tmp();
    const photos = join(d, 'photos');
    await writeImage(join(photos, 'a.png'), 40, 30, { seed: 1 });
    const p = join(d, 'p.lw');
    expect(runCli(['init', p]).code).toBe(0);
    expect(runCli(['add', p, photos]).code).toBe(0);
    const before = row(p, 'a.png')!;

    await writeImage(join(photos, 'a.png'), 50, 30, { seed: 2 }); // edited in place
    await writeImage(join(photos, 'b.png'), 40, 30, { seed: 3 }); // new
    const add = runCli(['--json', 'add', p, photos]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.json).toMatchObject({ scanned: 2, added: 1, changed: [{ path: join(photos, 'a.png'), action: 'kept', sizeChanged: true }] });
    expect(row(p, 'a.png')).toEqual(before);
    expect(row(p, 'b.png')).toBeDefined();

    const human = runCli(['add', p, photos]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`changed since added: ${join(photos, 'a.png')}: kept the old record (use --update-changed to take the new content)`);
  });

  it('--update-changed re-hashes the file, takes its new size and puts an image whose size changed back in progress', async () => {
    const d = tmp();
    const photos = join(d, 'photos');
    await writeImage(join(photos, 'a.png'), 40, 30, { seed: 1 });
    await writeImage(join(photos, 'same.png'), 40, 30, { seed: 4 });
    const p = join(d, 'p.lw');
    expect(runCli(['init', p]).code).toBe(0);
    expect(runCli(['add', p, photos]).code).toBe(0);
    const before = row(p, 'a.png')!;
    const sameBefore = row(p, 'same.png')!;

    await writeImage(join(photos, 'a.png'), 50, 30, { seed: 2 });
    await writeImage(join(photos, 'same.png'), 40, 30, { seed: 5 });
    const add = runCli(['--json', 'add', '--update-changed', p, photos]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.json.changed).toEqual([
      { path: join(photos, 'a.png'), action: 'updated', sizeChanged: true },
      { path: join(photos, 'same.png'), action: 'updated', sizeChanged: false },
    ]);
    const after = row(p, 'a.png')!;
    expect(after.id).toBe(before.id);
    expect(after.hash).not.toBe(before.hash);
    expect([after.width, after.height]).toEqual([50, 30]);
    expect(after.status).toBe('in_progress');
    const same = row(p, 'same.png')!;
    expect(same.hash).not.toBe(sameBefore.hash);
    expect(same.status).toBe('unlabeled');

    const again = runCli(['--json', 'add', p, photos]);
    expect(again.json).toMatchObject({ alreadyPresent: 2, changed: [] });
  });
});
