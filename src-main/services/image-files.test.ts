import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTmp } from '../testing/tmp';
import { serveProject } from '../testing/served-project';
import { writeImage } from '../testing/write-image';
import { runCli } from '../testing/cli';

const tmp = useTmp();

/** A served project with four real images a–d (40×30 PNGs of their own content). */
async function withImages() {
  const dir = tmp();
  const img = join(dir, 'img');
  for (const [i, n] of ['a', 'b', 'c', 'd'].entries()) await writeImage(join(img, `${n}.png`), 40, 30, { seed: i + 1 });
  const sp = await serveProject(dir);
  await sp.client.call('project.addFolder', { folder: img });
  const page = await sp.client.call('images.query', {});
  const id = Object.fromEntries(page.items.map((i) => [i.name.replace('.png', ''), i.id])) as Record<'a' | 'b' | 'c' | 'd', number>;
  return { ...sp, dir, img, id, path: (n: string) => join(img, `${n}.png`) };
}

describe('image files are checked when opened (defect 6)', () => {
  it('a file moved away is reported missing, with its path, and the grid shows it', async () => {
    const p = await withImages();
    try {
      expect((await p.client.call('images.get', { id: p.id.a })).file).toEqual({ state: 'ok', message: null });
      renameSync(p.path('a'), join(p.dir, 'elsewhere.png'));
      const got = await p.client.call('images.get', { id: p.id.a });
      expect(got.file.state).toBe('missing');
      expect(got.file.message).toContain(p.path('a'));
      expect(got.file.message).toMatch(/missing/);
      const grid = await p.client.call('images.query', {});
      expect(grid.items.map((i) => [i.name, i.fileState])).toEqual([
        ['a.png', 'missing'],
        ['b.png', 'ok'],
        ['c.png', 'ok'],
        ['d.png', 'ok'],
      ]);
      // The grid marks a file that went away even before anyone opens it (one stat per listed image).
      renameSync(p.path('d'), join(p.dir, 'd-elsewhere.png'));
      expect((await p.client.call('images.query', {})).items.find((i) => i.id === p.id.d)!.fileState).toBe('missing');
      // Moved back: fine again.
      renameSync(join(p.dir, 'elsewhere.png'), p.path('a'));
      expect((await p.client.call('images.get', { id: p.id.a })).file.state).toBe('ok');
    } finally {
      await p.close();
    }
  });

  it('different content of the same size is found by its hash: changed', async () => {
    const p = await withImages();
    try {
      const before = readFileSync(p.path('b'));
      // Another image of exactly the same size: only the hash tells them apart.
      await writeImage(join(p.dir, 'other.png'), 40, 30, { seed: 99 });
      const other = readFileSync(join(p.dir, 'other.png'));
      expect(other.length, 'the test needs two PNGs of one size').toBe(before.length);
      expect(other.equals(before)).toBe(false);
      writeFileSync(p.path('b'), other);
      expect(statSync(p.path('b')).size).toBe(before.length);
      const got = await p.client.call('images.get', { id: p.id.b });
      expect(got.file.state).toBe('changed');
      expect(got.file.message).toContain(p.path('b'));
      expect((await p.client.call('images.query', {})).items.find((i) => i.id === p.id.b)!.fileState).toBe('changed');
      // A file that is no image any more (different size, garbage): unreadable.
      writeFileSync(p.path('c'), 'not an image at all');
      expect((await p.client.call('images.get', { id: p.id.c })).file.state).toBe('unreadable');
      // An untouched image is not re-read: still ok.
      expect((await p.client.call('images.get', { id: p.id.d })).file.state).toBe('ok');
    } finally {
      await p.close();
    }
  });

  it('`labelwright stats` counts missing, unreadable and changed files, checking every file', async () => {
    const p = await withImages();
    // Nobody opens these in the app: stats finds them by itself.
    renameSync(p.path('a'), join(p.dir, 'gone.png'));
    writeFileSync(p.path('b'), Buffer.concat([readFileSync(p.path('b')), Buffer.from('tail')])); // grew: changed
    writeFileSync(p.path('c'), 'not an image'); // opened below: unreadable
    expect((await p.client.call('images.get', { id: p.id.c })).file.state).toBe('unreadable');
    const project = join(p.dir, 'project.lw');
    await p.close();
    const r = runCli(['--json', 'stats', project]);
    expect(r.code, r.stderr).toBe(0);
    // c: stored verdict unreadable, yet its size differs too; a changed size reads as changed
    // on a stat, unless the last full check found worse. Counted once, as unreadable.
    expect(r.json.files).toEqual({ missing: 1, unreadable: 1, changed: 1 });
    const human = runCli(['stats', project]);
    expect(human.stdout).toContain('Image files: 1 missing, 1 unreadable, 1 changed on disk');
  }, 60_000);
});
