/**
 * The region features of images, cached on disk per image content so a repeated search runs
 * only ITM passes. One file per (pack, image content hash) in a sidecar folder next to the
 * project (`<project>.uniter-cache/<pack sha256 prefix>/`), features as float16.
 *
 * - Written atomically (temp file, flush, rename): a kill mid-write leaves at most a temp file,
 *   never a torn cache file under its real name. Each file also ends with the SHA-256 of its
 *   content, so a damaged file (a bad disk, a copy cut short) is detected, ignored and rewritten.
 * - A size cap with least-recently-used eviction: a hit touches the file's mtime, and a write
 *   over the cap removes the files with the oldest mtimes.
 *
 * File layout (little-endian): "LWUR", version u32, width u32, height u32, count B u32, dim D
 * u32; boxes f32[4B]; scores f32[B]; features f16[B·D]; SHA-256 of all of the above.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../packs/manifest';
import { decodeHalf, encodeHalf } from './float16';
import type { RegionSet } from './scorer';

const MAGIC = 0x5255574c; // "LWUR" read as a little-endian u32
const VERSION = 1;
const HEADER = 24;
const DIGEST = 32;
const EXT = '.lwr';
/** Temp files older than this are left over from a killed writer. */
const STALE_TMP_MS = 60 * 60 * 1000;
export const DEFAULT_CACHE_CAP_BYTES = 2 * 1024 ** 3;

export interface CacheStats {
  hits: number;
  misses: number;
  /** Files found damaged (ignored, then rewritten). */
  corrupt: number;
  evicted: number;
}

export function cacheDirFor(projectPath: string, packSha256: string): string {
  return path.join(`${path.resolve(projectPath)}.uniter-cache`, packSha256.slice(0, 16));
}

export function encodeRegionSet(set: RegionSet): Uint8Array {
  const B = set.count;
  const D = set.dim;
  const body = HEADER + 16 * B + 4 * B + 2 * B * D;
  const buf = Buffer.alloc(body + DIGEST);
  [MAGIC, VERSION, set.width, set.height, B, D].forEach((v, i) => buf.writeUInt32LE(v, 4 * i));
  let o = HEADER;
  const put = (a: ArrayBufferView) => {
    buf.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o);
    o += a.byteLength;
  };
  put(set.boxes);
  put(set.scores);
  put(encodeHalf(set.features));
  createHash('sha256').update(buf.subarray(0, body)).digest().copy(buf, body);
  return buf;
}

/** The region set in a cache file, or null when the file is not a whole, intact one. */
export function decodeRegionSet(buf: Buffer): RegionSet | null {
  if (buf.length < HEADER + DIGEST || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== VERSION) return null;
  const [width, height, B, D] = [8, 12, 16, 20].map((o) => buf.readUInt32LE(o));
  const body = HEADER + 16 * B + 4 * B + 2 * B * D;
  if (buf.length !== body + DIGEST) return null;
  if (!createHash('sha256').update(buf.subarray(0, body)).digest().equals(buf.subarray(body))) return null;
  // Copies: the typed arrays need aligned offsets.
  const at = (o: number, n: number) => new Uint8Array(buf.subarray(o, o + n)).buffer;
  const boxes = new Float32Array(at(HEADER, 16 * B));
  const scores = new Float32Array(at(HEADER + 16 * B, 4 * B));
  const features = decodeHalf(new Uint16Array(at(HEADER + 20 * B, 2 * B * D)));
  return { width, height, count: B, dim: D, boxes, scores, features };
}

export class RegionFeatureCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, corrupt: 0, evicted: 0 };
  /** name → size and last use, loaded on the first write. */
  private index: Map<string, { size: number; used: number }> | null = null;
  /** Last use stamp handed out: milliseconds, but strictly increasing within this process. */
  private clock = 0;

  constructor(
    readonly dir: string,
    private readonly capBytes = DEFAULT_CACHE_CAP_BYTES,
  ) {}

  private file(key: string): string {
    const safe = /^[0-9a-f]{16,128}$/i.test(key) ? key.toLowerCase() : createHash('sha256').update(key).digest('hex');
    return path.join(this.dir, safe + EXT);
  }

  async get(key: string): Promise<RegionSet | null> {
    const file = this.file(key);
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch {
      this.stats.misses++;
      return null;
    }
    const set = decodeRegionSet(buf);
    if (!set) {
      this.stats.corrupt++;
      this.stats.misses++;
      await rm(file, { force: true });
      this.index?.delete(path.basename(file));
      return null;
    }
    this.stats.hits++;
    const used = this.tick();
    const now = new Date(used);
    await utimes(file, now, now).catch(() => undefined);
    this.index?.set(path.basename(file), { size: buf.length, used });
    return set;
  }

  async put(key: string, set: RegionSet): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.file(key);
    const bytes = encodeRegionSet(set);
    await writeFileAtomic(file, bytes);
    const index = await this.loadIndex();
    index.set(path.basename(file), { size: bytes.byteLength, used: this.tick() });
    await this.evict(path.basename(file));
  }

  private tick(): number {
    this.clock = Math.max(Date.now(), this.clock + 1);
    return this.clock;
  }

  private async loadIndex(): Promise<Map<string, { size: number; used: number }>> {
    if (this.index) return this.index;
    const index = new Map<string, { size: number; used: number }>();
    const now = Date.now();
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      const st = await stat(path.join(this.dir, name)).catch(() => null);
      if (!st?.isFile()) continue;
      if (name.endsWith(EXT)) index.set(name, { size: st.size, used: st.mtimeMs });
      else if (name.endsWith('.tmp') && now - st.mtimeMs > STALE_TMP_MS) await rm(path.join(this.dir, name), { force: true });
    }
    this.index = index;
    return index;
  }

  /** Removes the least recently used files until the folder is within the cap (never `keep`). */
  private async evict(keep: string): Promise<void> {
    const index = this.index!;
    let total = 0;
    for (const v of index.values()) total += v.size;
    if (total <= this.capBytes) return;
    const oldest = [...index.entries()].filter(([n]) => n !== keep).sort((a, b) => a[1].used - b[1].used);
    for (const [name, v] of oldest) {
      if (total <= this.capBytes) break;
      await rm(path.join(this.dir, name), { force: true });
      index.delete(name);
      total -= v.size;
      this.stats.evicted++;
    }
  }
}
