import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LwError } from '../shared/errors';
import { openImage } from '../image/open-image';

export const THUMB_SIZE = 256;

/**
 * JPEG thumbnails, 256 px on the long side, EXIF-rotated, cached on disk under
 * `<dir>/<key>.jpg` where the key hashes the image's content hash and the size (so a
 * changed file gets a new thumbnail) and in a small in-memory LRU for the grid's scroll.
 * Concurrent requests for one image share one resize.
 */
export class ThumbnailCache {
  private readonly lru = new Map<string, Buffer>();
  private readonly inflight = new Map<string, Promise<Buffer>>();

  constructor(
    readonly dir: string,
    private readonly maxEntries = 512,
  ) {}

  async get(image: { path: string; hash: string }): Promise<Buffer> {
    const key = createHash('sha256').update(`${image.hash}:${THUMB_SIZE}:v1`).digest('hex').slice(0, 32);
    const hit = this.lru.get(key);
    if (hit) {
      this.lru.delete(key);
      this.lru.set(key, hit);
      return hit;
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = this.load(key, image.path).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    const buf = await p;
    this.lru.set(key, buf);
    if (this.lru.size > this.maxEntries) this.lru.delete(this.lru.keys().next().value!);
    return buf;
  }

  private async load(key: string, path: string): Promise<Buffer> {
    const file = join(this.dir, `${key}.jpg`);
    const cached = await stat(file).catch(() => null);
    if (cached?.isFile()) return readFile(file);
    let buf: Buffer;
    try {
      buf = await (await openImage(path, { failOn: 'none' }))
        .rotate()
        .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 80 })
        .toBuffer();
    } catch (e) {
      throw new LwError('IMAGE_UNREADABLE', `Cannot read ${path}: ${(e as Error).message}`, undefined, { cause: e });
    }
    try {
      await mkdir(this.dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, buf);
      await rename(tmp, file);
    } catch {
      // a read-only cache folder only costs speed
    }
    return buf;
  }
}
