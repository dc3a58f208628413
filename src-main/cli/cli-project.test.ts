import { describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, copyFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../testing/cli';
import { writeBmp, writeImage } from '../testing/write-image';
import { useTmp } from '../testing/tmp';

const tmp = useTmp();

describe('labelwright init / add / stats', () => {
  it('adds every supported image recursively, once, with header sizes honouring EXIF orientation', async () => {
    const d = tmp();
    const photos = join(d, 'photos');
    await writeImage(join(photos, 'a.jpg'), 40, 30, { format: 'jpeg', seed: 1 });
    await writeImage(join(photos, 'B.JPEG'), 41, 31, { format: 'jpeg', seed: 2 });
    await writeImage(join(photos, 'sub', 'c.png'), 42, 32, { seed: 3 });
    await writeImage(join(photos, 'sub', 'deeper', 'd.webp'), 43, 33, { format: 'webp', seed: 4 });
    await writeImage(join(photos, 'e.TIF'), 44, 34, { format: 'tiff', seed: 5 });
    await writeImage(join(photos, 'f.tiff'), 45, 35, { format: 'tiff', seed: 6 });
    writeBmp(join(photos, 'g.bmp'), 46, 36);
    // Stored 60×20, rotated 90° by EXIF: displayed (and stored in the project) as 20×60.
    await writeImage(join(photos, 'rotated.jpg'), 60, 20, { format: 'jpeg', seed: 7, orientation: 6 });
    writeFileSync(join(photos, 'notes.txt'), 'not an image');

    const p = join(d, 'proj.lw');
    expect(runCli(['init', p]).code).toBe(0);
    const add = runCli(['--json', 'add', p, photos]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.json).toMatchObject({ scanned: 8, added: 8, alreadyPresent: 0, failed: [] });

    const again = runCli(['--json', 'add', p, photos]);
    expect(again.json).toMatchObject({ scanned: 8, added: 0, alreadyPresent: 8 });

    const stats = runCli(['--json', 'stats', p]);
    expect(stats.json.images).toBe(8);
    expect(stats.json.byStatus.unlabeled).toBe(8);

    // Sizes come from headers: check two through the project file itself.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(p, { readonly: true });
    const size = (name: string) => db.prepare(`SELECT width, height, format FROM images WHERE path LIKE ?`).get(`%${name}`);
    expect(size('rotated.jpg')).toEqual({ width: 20, height: 60, format: 'jpeg' });
    expect(size('g.bmp')).toEqual({ width: 46, height: 36, format: 'bmp' });
    expect(size('d.webp')).toEqual({ width: 43, height: 33, format: 'webp' });
    db.close();
  });

  it('reports unreadable files one by one and still adds the good ones', async () => {
    const d = tmp();
    const dir = join(d, 'mixed');
    await writeImage(join(dir, 'good.jpg'), 64, 48, { format: 'jpeg', seed: 1 });
    await writeImage(join(dir, 'good.png'), 64, 48, { seed: 2 });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'empty.jpg'), '');
    writeFileSync(join(dir, 'text.jpg'), 'Dear diary, today I named a text file .jpg\n');
    const jpeg = readFileSync(join(dir, 'good.jpg'));
    writeFileSync(join(dir, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    const png = readFileSync(join(dir, 'good.png'));
    writeFileSync(join(dir, 'truncated.png'), png.subarray(0, png.length - 20));

    const p = join(d, 'p.lw');
    runCli(['init', p]);
    const r = runCli(['--json', 'add', p, dir]);
    expect(r.code).toBe(3); // some files were bad input
    expect(r.json.added).toBe(2);
    const reasons = Object.fromEntries(r.json.failed.map((f: { path: string; reason: string }) => [f.path.split('/').pop(), f.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['empty.jpg', 'text.jpg', 'truncated.jpg', 'truncated.png']);
    expect(reasons['empty.jpg']).toMatch(/empty/);
    expect(reasons['text.jpg']).toBe('not an image: it starts with "Dear diary, toda", not a JPEG, PNG, WebP, BMP or TIFF signature');
    expect(reasons['truncated.jpg']).toMatch(/truncated JPEG/);
    expect(reasons['truncated.png']).toMatch(/truncated PNG/);

    const human = runCli(['add', p, dir]);
    expect(human.stdout).toMatch(/skipped: .*truncated\.jpg: truncated JPEG/);
  });

  it('says so when a folder holds no images, and fails clearly for a missing folder', () => {
    const d = tmp();
    mkdirSync(join(d, 'empty'));
    writeFileSync(join(d, 'empty', 'readme.md'), '# nothing');
    const p = join(d, 'p.lw');
    runCli(['init', p]);
    const r = runCli(['add', p, join(d, 'empty')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No images found/);
    const missing = runCli(['add', p, join(d, 'nope')]);
    expect(missing.code, 'a path the user gave that is not there is bad input').toBe(3);
    expect(missing.stderr).toMatch(/^error: Folder not found/);
    expect(missing.stderr).toMatch(/Check the path: the folder must exist/);
    expect(missing.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace without --debug
  });

  it('treats a moved file as the same image and a copied file as a duplicate', async () => {
    const d = tmp();
    await writeImage(join(d, 'in', 'x.png'), 20, 20, { seed: 9 });
    const p = join(d, 'p.lw');
    runCli(['init', p]);
    runCli(['add', p, join(d, 'in')]);
    copyFileSync(join(d, 'in', 'x.png'), join(d, 'in', 'copy.png'));
    expect(runCli(['--json', 'add', p, join(d, 'in')]).json.duplicates).toHaveLength(1);
    mkdirSync(join(d, 'moved'));
    renameSync(join(d, 'in', 'x.png'), join(d, 'moved', 'x.png'));
    renameSync(join(d, 'in', 'copy.png'), join(d, 'moved', 'copy2.png'));
    const r = runCli(['--json', 'add', p, join(d, 'moved')]);
    expect(r.json).toMatchObject({ added: 0, relocated: 1 });
    expect(runCli(['--json', 'stats', p]).json.images).toBe(1);
  });

  it('refuses to init over an existing file and gives a hint', () => {
    const p = join(tmp(), 'p.lw');
    runCli(['init', p]);
    const r = runCli(['init', p]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/already exists/);
    expect(r.stderr).toMatch(/^hint: /m);
  });

  it('reads a read-only project but will not change it', () => {
    const p = join(tmp(), 'ro.lw');
    runCli(['init', p]);
    runCli(['categories', p, 'add', 'cat']);
    chmodSync(p, 0o444);
    expect(runCli(['--json', 'categories', p, 'list']).json).toHaveLength(1);
    const r = runCli(['categories', p, 'add', 'dog']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/read-only/);
  });
});

describe('labelwright categories', () => {
  it('adds, lists, renames and removes with stable ids, palette colours and case-insensitive names', () => {
    const p = join(tmp(), 'c.lw');
    runCli(['init', p]);
    const added = runCli(['--json', 'categories', p, 'add', 'person,bicycle', ' traffic light ']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.json.map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([
      [1, 'person'],
      [2, 'bicycle'],
      [3, 'traffic light'],
    ]);
    expect(added.json[0].prompt).toBe('person');
    expect(added.json[0].color).toMatch(/^#[0-9a-f]{6}$/);
    expect(new Set(added.json.map((c: { color: string }) => c.color)).size).toBe(3);

    const dup = runCli(['categories', p, 'add', 'PERSON']);
    expect(dup.code).toBe(4);
    expect(dup.stderr).toMatch(/already exists/);

    expect(runCli(['--json', 'categories', p, 'set', 'bicycle', '--threshold', '0.35', '--prompt', 'bike']).json).toMatchObject({ threshold: 0.35, prompt: 'bike' });
    expect(runCli(['categories', p, 'set', '2', '--threshold', '1.5']).code).toBe(2);

    expect(runCli(['--json', 'categories', p, 'rename', 'Person', 'pedestrian']).json).toMatchObject({ id: 1, name: 'pedestrian', prompt: 'pedestrian' });
    expect(runCli(['--json', 'categories', p, 'remove', '3']).code).toBe(0);
    // A removed id is never handed out again: exported ids stay stable.
    expect(runCli(['--json', 'categories', p, 'add', 'dog']).json[0].id).toBe(4);
    const list = runCli(['--json', 'categories', p, 'list']).json;
    expect(list.map((c: { id: number }) => c.id)).toEqual([1, 2, 4]);

    const unknown = runCli(['categories', p, 'fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown action "fly"/);
  });
});
