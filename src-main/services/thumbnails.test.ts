import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { useTmp } from '../testing/tmp';
import { writeBmp, writeImage } from '../testing/write-image';
import { ThumbnailCache } from './thumbnails';
import { RecentProjects } from './recent-projects';

const tmp = useTmp();

describe('thumbnails', () => {
  it('are 256 px JPEGs on the long side, EXIF-rotated, cached on disk and shared between requests', async () => {
    const dir = tmp();
    const file = join(dir, 'r.jpg');
    await writeImage(file, 600, 300, { format: 'jpeg', orientation: 6 }); // stored landscape, shown portrait
    const cache = new ThumbnailCache(join(dir, 'thumbs'));
    const [a, b] = await Promise.all([cache.get({ path: file, hash: 'h1' }), cache.get({ path: file, hash: 'h1' })]);
    expect(a).toBe(b);
    expect(await sharp(a).metadata()).toMatchObject({ format: 'jpeg', width: 128, height: 256 });
    expect(readdirSync(join(dir, 'thumbs'))).toHaveLength(1);
    // a new cache (app restart) reads the file instead of resizing again
    const again = await new ThumbnailCache(join(dir, 'thumbs')).get({ path: join(dir, 'gone.jpg'), hash: 'h1' });
    expect(again.equals(a)).toBe(true);
    await expect(cache.get({ path: join(dir, 'missing.jpg'), hash: 'h2' })).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
  });

  it('are made for BMP files too, which sharp cannot read by itself', async () => {
    const dir = tmp();
    const file = join(dir, 'b.bmp');
    writeBmp(file, 512, 200);
    const thumb = await new ThumbnailCache(join(dir, 'thumbs')).get({ path: file, hash: 'hb' });
    expect(await sharp(thumb).metadata()).toMatchObject({ format: 'jpeg', width: 256, height: 100 });
  });
});

describe('recent projects', () => {
  it('keeps existing projects, most recent first, without duplicates', async () => {
    const dir = tmp();
    const a = join(dir, 'a.lw');
    const b = join(dir, 'b.lw');
    await Promise.all([a, b].map((p) => import('node:fs/promises').then((fs) => fs.writeFile(p, ''))));
    const r = new RecentProjects(join(dir, 'ud'));
    expect(r.list()).toEqual([]);
    r.add(a);
    r.add(b);
    expect(r.add(a)).toEqual([a, b]);
    r.add(join(dir, 'deleted.lw'));
    expect(new RecentProjects(join(dir, 'ud')).list()).toEqual([a, b]);
  });
});
