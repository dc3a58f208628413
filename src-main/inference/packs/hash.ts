import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './manifest';
import { modelsDirs } from '../../platform/paths';

/** Feeds a file (or its first `limit` bytes) into `hash`, reporting bytes read. */
export async function hashInto(
  hash: Hash,
  file: string,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void; limit?: number } = {},
): Promise<number> {
  let n = 0;
  if (opts.limit === 0) return 0;
  const stream = createReadStream(file, {
    highWaterMark: 1 << 20,
    ...(opts.limit !== undefined ? { end: opts.limit - 1 } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    n += chunk.length;
    opts.onBytes?.(n);
  }
  return n;
}

export async function sha256File(
  file: string,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {},
): Promise<string> {
  const h = createHash('sha256');
  await hashInto(h, file, opts);
  return h.digest('hex');
}

/**
 * sha256 of files keyed on (absolute path, size, mtime), so loading a pack checks its
 * hashes without reading hundreds of MB each time. Kept in memory and, best effort, in
 * `<user models>/.hash-cache.json`. A file that changes gets a new mtime and is hashed again.
 */
interface CacheEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

let memory: Map<string, CacheEntry> | null = null;
let memoryFor = '';

function cacheFile(): string {
  return path.join(modelsDirs().user, '.hash-cache.json');
}

async function cache(): Promise<Map<string, CacheEntry>> {
  const file = cacheFile();
  if (memory && memoryFor === file) return memory;
  memory = new Map();
  memoryFor = file;
  try {
    const data = JSON.parse(await readFile(file, 'utf8')) as Record<string, CacheEntry>;
    for (const [k, v] of Object.entries(data)) {
      if (v && typeof v.sha256 === 'string' && typeof v.size === 'number' && typeof v.mtimeMs === 'number')
        memory.set(k, v);
    }
  } catch {
    // no cache yet, or unreadable: start empty
  }
  return memory;
}

async function persist(map: Map<string, CacheEntry>): Promise<void> {
  try {
    const file = cacheFile();
    // Only where a models folder already exists: a cache is no reason to create one.
    if (!existsSync(path.dirname(file))) return;
    await writeFileAtomic(file, JSON.stringify(Object.fromEntries(map)));
  } catch {
    // the cache is an optimisation; a read-only models folder is fine
  }
}

/** The cached hash if the file still has the size and mtime it had when hashed. */
export async function cachedSha256(file: string): Promise<string | null> {
  const abs = path.resolve(file);
  const entry = (await cache()).get(abs);
  if (!entry) return null;
  try {
    const st = await stat(abs);
    return st.size === entry.size && st.mtimeMs === entry.mtimeMs ? entry.sha256 : null;
  } catch {
    return null;
  }
}

export async function rememberSha256(file: string, sha256: string): Promise<void> {
  const abs = path.resolve(file);
  try {
    const st = await stat(abs);
    const map = await cache();
    map.set(abs, { size: st.size, mtimeMs: st.mtimeMs, sha256 });
    await persist(map);
  } catch {
    // file vanished: nothing to remember
  }
}

export async function forgetSha256(file: string): Promise<void> {
  const map = await cache();
  if (map.delete(path.resolve(file))) await persist(map);
}

/** Hash from the cache, or computed (and cached). */
export async function sha256Cached(
  file: string,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {},
): Promise<string> {
  const hit = await cachedSha256(file);
  if (hit) return hit;
  const digest = await sha256File(file, opts);
  await rememberSha256(file, digest);
  return digest;
}
