import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { copyFile, mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { PackFile, PackManifest } from '../../shared/contract';
import { LwError, isLwError } from '../../shared/errors';
import { hashInto, rememberSha256, sha256Cached } from './hash';
import { validateManifest, writeManifest } from './manifest';
import { modelsDirs } from '../../platform/paths';
import { type InstalledPack, inspectPack, quickCheck, scanPacks } from './installed-packs';

export interface DownloadProgress {
  /** `check`: hashing a file already on disk; `download`: bytes arriving; `done`: the file is in place. */
  phase: 'check' | 'download' | 'done';
  role: string;
  /** Path inside the pack. */
  file: string;
  url?: string;
  fileDone: number;
  /** Undefined until the size is known (manifest `bytes` or the server's Content-Length). */
  fileTotal?: number;
  /** Over the whole pack; `total` counts the sizes known so far, so it can grow. */
  done: number;
  total: number;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Required for packs whose manifest has a `licenseNotice` (non-commercial weights). */
  acceptLicense?: boolean;
  /** Retries per file after a transfer broke off mid-file (it resumes with Range). Default 3. */
  retries?: number;
  /** Wait before retry n is n × this. Default 1000 ms. */
  retryDelayMs?: number;
  /** Fetch into the user folder even when a bundled copy has every file. */
  force?: boolean;
}

/** A failure worth retrying: the connection dropped after the transfer began, or a 5xx. */
class Retryable extends Error {}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'the host name could not be resolved (offline?)',
  EAI_AGAIN: 'the host name could not be resolved (DNS unavailable)',
  EAI_NONAME: 'the host name could not be resolved (offline?)',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  ENETUNREACH: 'the network is unreachable',
  EHOSTUNREACH: 'the host is unreachable',
  ENETDOWN: 'the network is down',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  UND_ERR_SOCKET: 'the connection was closed',
};

function errorCodes(e: unknown): string[] {
  const codes: string[] = [];
  for (let c: unknown = e, depth = 0; c && depth < 6; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    for (const sub of (c as { errors?: unknown[] }).errors ?? []) {
      const sc = (sub as { code?: unknown }).code;
      if (typeof sc === 'string') codes.push(sc);
    }
  }
  return codes;
}

function describeNetworkError(e: unknown): string {
  const codes = errorCodes(e);
  for (const c of codes) if (NETWORK_REASONS[c]) return `${NETWORK_REASONS[c]} (${c})`;
  if (codes.some((c) => c.startsWith('ERR_TLS') || c.includes('CERT')))
    return `a TLS error (${codes.join(', ')})`;
  const inner = (e as { cause?: { message?: string } }).cause?.message;
  return inner ? `${(e as Error).message}: ${inner}` : (e as Error).message;
}

/** `LABELWRIGHT_OFFLINE=1`: never touch the network (air-gapped machines, tests). */
function offline(): boolean {
  const v = process.env.LABELWRIGHT_OFFLINE?.trim().toLowerCase();
  return v === '1' || v === 'true' || v === 'yes';
}

function sideloadHint(id: string): string {
  return (
    `If this machine is offline or cannot reach the host, sideload the pack: on a machine with network access, ` +
    `fetch the files that \`labelwright models info ${id}\` lists into one folder (with pack.json if you have it), ` +
    `copy that folder here, and run \`labelwright models import <folder>\`. Partial downloads are kept and resume on the next try.`
  );
}

function cancelled(id: string, part?: string): LwError {
  return new LwError(
    'CANCELLED',
    `download of "${id}" cancelled`,
    part
      ? `The partial file ${part} is kept; run \`labelwright models download ${id}\` again to resume.`
      : undefined,
  );
}

/**
 * The manifest to download from: the bundled one (it carries the current URLs) with
 * any hashes a previous download recorded in the user's copy, or the user's copy alone.
 */
async function manifestFor(id: string): Promise<{
  manifest: PackManifest;
  userDir: string | null;
  bundledDir: string | null;
  complete: InstalledPack | null;
}> {
  const { packs, shadowed, invalid } = await scanPacks();
  const all = [...packs, ...shadowed].filter((p) => p.manifest.id === id);
  const user = all.find((p) => p.source === 'user') ?? null;
  const bundled = all.find((p) => p.source === 'bundled') ?? null;
  if (!user && !bundled) {
    const broken = invalid.find((i) => path.basename(i.dir) === id);
    if (broken) throw broken.error;
    const known = packs.map((p) => p.manifest.id);
    throw new LwError(
      'MODEL_PACK_MISSING',
      `no model pack "${id}" to download${known.length ? ` (known packs: ${known.join(', ')})` : ''}`,
      'Run `labelwright models list` to see the packs this app knows.',
    );
  }
  if (!user && bundled && bundled.missing.length === 0)
    return { manifest: bundled.manifest, userDir: null, bundledDir: bundled.dir, complete: bundled };
  if (!bundled) return { manifest: user!.manifest, userDir: user!.dir, bundledDir: null, complete: null };
  const manifest: PackManifest = structuredClone(bundled.manifest);
  if (user) {
    for (const [role, f] of Object.entries(manifest.files)) {
      const mine = user.manifest.files[role];
      if (!f.sha256 && mine?.sha256 && mine.path === f.path && mine.url === f.url) {
        f.sha256 = mine.sha256;
        f.bytes ??= mine.bytes;
      }
    }
  }
  return { manifest, userDir: user?.dir ?? null, bundledDir: bundled.dir, complete: null };
}

/** One writer per pack folder: a lock file holding our pid, taken over when its owner is gone. */
async function lock(dir: string, id: string): Promise<() => Promise<void>> {
  const file = path.join(dir, '.download.lock');
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return () => rm(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      let alive = false;
      if (pid === process.pid) alive = true;
      else if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (err) {
          alive = (err as NodeJS.ErrnoException).code === 'EPERM';
        }
      }
      if (alive)
        throw new LwError(
          'CONFLICT',
          `"${id}" is already being downloaded by process ${pid}`,
          `Wait for it to finish or stop it; if no download is running, delete ${file}.`,
        );
      await rm(file, { force: true });
    }
  }
  throw new LwError('CONFLICT', `could not lock ${dir} for downloading`);
}

/**
 * Downloads a pack into the user's models folder (never into the app's own `models/`).
 * Files already present and intact are kept; each missing one is fetched to `<file>.part`
 * (resuming with HTTP Range), checked against `bytes` and `sha256`, then renamed into
 * place. Files without a hash in the manifest get the one computed here recorded in the
 * user's copy of pack.json.
 */
export async function downloadPack(id: string, opts: DownloadOptions = {}): Promise<InstalledPack> {
  const { signal } = opts;
  if (signal?.aborted) throw cancelled(id);
  const { manifest, userDir, bundledDir, complete } = await manifestFor(id);
  // A bundled pack with every file present (fixtures, or files shipped with the app).
  if (complete && !opts.force) {
    await quickCheck(complete);
    return complete;
  }

  const alreadyInstalled =
    userDir !== null && (await inspectPack(userDir, 'user').catch(() => null))?.missing.length === 0;
  if (manifest.licenseNotice && !opts.acceptLicense && !alreadyInstalled)
    throw new LwError(
      'INVALID_ARGUMENT',
      `"${id}" is licensed under ${manifest.license}, which restricts its use: ${manifest.licenseNotice}`,
      `Read the licence, then accept it with \`labelwright models download ${id} --accept-license\`.`,
    );

  const dir = userDir ?? path.join(modelsDirs().user, id);
  const created = !existsSync(dir);
  await mkdir(dir, { recursive: true });
  const unlock = await lock(dir, id);
  let failed = true;
  try {
    await writeManifest(dir, manifest);
    if (bundledDir) await copyNotices(bundledDir, dir);
    const roles = Object.keys(manifest.files);
    const sizes = new Map<string, number>();
    for (const r of roles) if (manifest.files[r].bytes !== undefined) sizes.set(r, manifest.files[r].bytes!);
    const total = () => [...sizes.values()].reduce((a, b) => a + b, 0);
    let doneBefore = 0;

    for (const role of roles) {
      const spec = manifest.files[role];
      const dest = path.join(dir, ...spec.path.split('/'));
      await mkdir(path.dirname(dest), { recursive: true });
      const emit = (phase: DownloadProgress['phase'], fileDone: number) =>
        opts.onProgress?.({
          phase,
          role,
          file: spec.path,
          ...(spec.url ? { url: spec.url } : {}),
          fileDone,
          ...(sizes.has(role) ? { fileTotal: sizes.get(role)! } : {}),
          done: doneBefore + fileDone,
          total: total(),
        });

      const have = await existingOk(dest, spec, signal, (n) => emit('check', n));
      let result: { sha256: string; bytes: number };
      if (have) result = have;
      else {
        if (!spec.url)
          throw new LwError(
            'MODEL_PACK_MISSING',
            `pack "${id}" has no download URL for ${spec.path} (role "${role}")`,
            `Copy the file into ${dir}, or run \`labelwright models import <folder>\` with a complete copy of the pack.`,
          );
        result = await fetchFile(id, spec, spec.url, dest, {
          ...opts,
          onTotal: (n) => sizes.set(role, n),
          onBytes: (n) => emit('download', n),
        });
      }
      sizes.set(role, result.bytes);
      emit('done', result.bytes);
      doneBefore += result.bytes;
      if (spec.sha256 !== result.sha256 || spec.bytes !== result.bytes) {
        spec.sha256 = result.sha256;
        spec.bytes = result.bytes;
        validateManifest(manifest, path.join(dir, 'pack.json'));
        await writeManifest(dir, manifest);
      }
    }
    failed = false;
  } catch (e) {
    if (signal?.aborted && !(isLwError(e) && e.code === 'CANCELLED')) throw cancelled(id);
    throw e;
  } finally {
    await unlock();
    // A first attempt that got nothing (offline, refused licence) leaves no empty pack behind.
    if (failed && created && (await holdsOnlyManifest(dir))) await rm(dir, { recursive: true, force: true });
  }
  return inspectPack(dir, 'user');
}

async function holdsOnlyManifest(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => null);
  return names !== null && names.every((n) => n === 'pack.json' || NOTICE_FILE.test(n));
}

const NOTICE_FILE = /^(licen[cs]e|notice|copying)(\.[a-z0-9]+)?$/i;

/** Licence and notice files travel with the weights. */
async function copyNotices(from: string, to: string): Promise<void> {
  for (const e of await readdir(from, { withFileTypes: true }).catch(() => [])) {
    if (e.isFile() && NOTICE_FILE.test(e.name))
      await copyFile(path.join(from, e.name), path.join(to, e.name)).catch(() => {});
  }
}

/** A file already in place that matches the manifest, or null (a bad one is deleted). */
async function existingOk(
  dest: string,
  spec: PackFile,
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void,
): Promise<{ sha256: string; bytes: number } | null> {
  const st = await stat(dest).catch(() => null);
  if (!st?.isFile()) return null;
  if (spec.bytes !== undefined && st.size !== spec.bytes) {
    await unlink(dest);
    return null;
  }
  const digest = await sha256Cached(dest, { ...(signal ? { signal } : {}), onBytes });
  if (spec.sha256 && digest !== spec.sha256) {
    await unlink(dest);
    return null;
  }
  return { sha256: digest, bytes: st.size };
}

interface FetchOptions extends DownloadOptions {
  onTotal: (n: number) => void;
  onBytes: (n: number) => void;
}

async function fetchFile(
  id: string,
  spec: PackFile,
  url: string,
  dest: string,
  opts: FetchOptions,
): Promise<{ sha256: string; bytes: number }> {
  const part = `${dest}.part`;
  const retries = opts.retries ?? 3;
  const retryDelay = opts.retryDelayMs ?? 1000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchOnce(id, spec, url, dest, part, opts);
    } catch (e) {
      if (opts.signal?.aborted) throw cancelled(id, part);
      if (!(e instanceof Retryable)) throw e;
      if (attempt >= retries)
        throw new LwError(
          'MODEL_DOWNLOAD_FAILED',
          `could not download ${url}: ${e.message} (after ${attempt + 1} tries)`,
          sideloadHint(id),
          { cause: e },
        );
      try {
        await delay(retryDelay * (attempt + 1), undefined, opts.signal ? { signal: opts.signal } : {});
      } catch {
        throw cancelled(id, part);
      }
    }
  }
}

function parseContentRange(v: string | null): { start: number; total: number | null } | null {
  const m = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(v?.trim() ?? '');
  if (!m) return null;
  return { start: Number(m[1]), total: m[3] === '*' ? null : Number(m[3]) };
}

async function fetchOnce(
  id: string,
  spec: PackFile,
  url: string,
  dest: string,
  part: string,
  opts: FetchOptions,
): Promise<{ sha256: string; bytes: number }> {
  const { signal } = opts;
  let have = (await stat(part).catch(() => null))?.size ?? 0;
  if (spec.bytes !== undefined && have > spec.bytes) {
    await rm(part, { force: true });
    have = 0;
  }
  let hash = createHash('sha256');
  if (have > 0) have = await hashInto(hash, part, signal ? { signal } : {});
  if (spec.bytes !== undefined) opts.onTotal(spec.bytes);
  opts.onBytes(have);

  let written = have;
  if (spec.bytes === undefined || have < spec.bytes) {
    if (offline())
      throw new LwError(
        'MODEL_DOWNLOAD_FAILED',
        `could not download ${url}: offline mode (LABELWRIGHT_OFFLINE=1) allows no network access`,
        sideloadHint(id),
      );
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { 'accept-encoding': 'identity', ...(have > 0 ? { range: `bytes=${have}-` } : {}) },
        redirect: 'follow',
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      if (signal?.aborted) throw cancelled(id, have > 0 ? part : undefined);
      throw new LwError(
        'MODEL_DOWNLOAD_FAILED',
        `could not download ${url}: ${describeNetworkError(e)}`,
        sideloadHint(id),
        { cause: e },
      );
    }

    let append = false;
    let expectedTotal: number | null;
    if (res.status === 416 && have > 0) {
      // Nothing left to send from `have`: the part is complete, or longer than the file.
      const cr = /\/(\d+)\s*$/.exec(res.headers.get('content-range') ?? '');
      await res.body?.cancel().catch(() => {});
      if (cr && Number(cr[1]) === have) expectedTotal = have;
      else {
        await rm(part, { force: true });
        throw new Retryable(`the server refused to resume ${spec.path}; starting over`);
      }
    } else if (res.status === 206) {
      const cr = parseContentRange(res.headers.get('content-range'));
      if (!cr || cr.start !== have) {
        await res.body?.cancel().catch(() => {});
        await rm(part, { force: true });
        throw new Retryable(`the server resumed ${spec.path} at the wrong offset; starting over`);
      }
      append = true;
      expectedTotal = cr.total;
    } else if (res.ok) {
      // 200: a whole file (the server ignored Range, or there was no .part).
      const len = res.headers.get('content-length');
      expectedTotal = len !== null && /^\d+$/.test(len) ? Number(len) : null;
    } else {
      await res.body?.cancel().catch(() => {});
      const msg = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} for ${url}`;
      if (res.status >= 500 || res.status === 408 || res.status === 429) throw new Retryable(msg);
      throw new LwError('MODEL_DOWNLOAD_FAILED', `could not download ${url}: ${msg}`, sideloadHint(id));
    }

    if (expectedTotal !== null) {
      if (spec.bytes !== undefined && expectedTotal !== spec.bytes) {
        await res.body?.cancel().catch(() => {});
        throw new LwError(
          'MODEL_DOWNLOAD_FAILED',
          `${url} is ${expectedTotal} bytes, the manifest expects ${spec.bytes}`,
          'The upstream file changed or the URL is wrong. Update the manifest or sideload the right file with `labelwright models import <folder>`.',
        );
      }
      opts.onTotal(expectedTotal);
    }

    if (res.status !== 416) {
      if (!append) {
        hash = createHash('sha256');
        written = 0;
        opts.onBytes(0);
      }
      const out = createWriteStream(part, { flags: append ? 'a' : 'w' });
      try {
        if (!res.body) throw new Retryable(`empty response for ${url}`);
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          hash.update(chunk);
          written += chunk.length;
          if (!out.write(chunk)) await drain(out);
          opts.onBytes(written);
        }
      } catch (e) {
        await closeStream(out);
        if (signal?.aborted) throw cancelled(id, part);
        if (isLwError(e) || e instanceof Retryable) throw e;
        throw new Retryable(`the transfer broke off after ${written} bytes (${describeNetworkError(e)})`);
      }
      await closeStream(out, true);
      if (expectedTotal !== null && written < expectedTotal)
        throw new Retryable(`the transfer ended after ${written} of ${expectedTotal} bytes`);
    }
  }

  if (spec.bytes !== undefined && written !== spec.bytes) {
    await rm(part, { force: true });
    throw new LwError(
      'MODEL_DOWNLOAD_FAILED',
      `${spec.path} from ${url} has ${written} bytes, the manifest expects ${spec.bytes}; the file was deleted`,
      'The upstream file changed or the URL is wrong. Sideload the right file with `labelwright models import <folder>`.',
    );
  }
  const digest = hash.digest('hex');
  if (spec.sha256 && digest !== spec.sha256) {
    await rm(part, { force: true });
    throw new LwError(
      'MODEL_DOWNLOAD_FAILED',
      `sha256 mismatch for ${spec.path} from ${url}: expected ${spec.sha256}, got ${digest}; the file was deleted`,
      'The download was corrupted or the upstream file changed. Run the download again; if it keeps failing, fetch the file elsewhere and use `labelwright models import <folder>`.',
    );
  }
  await rename(part, dest);
  await rememberSha256(dest, digest);
  return { sha256: digest, bytes: written };
}

function drain(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    const onError = (e: Error) => {
      out.off('drain', onDrain);
      reject(e);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/** Ends the stream and waits until its bytes are on disk and the descriptor is closed. */
function closeStream(out: WriteStream, rethrow = false): Promise<void> {
  return new Promise((resolve, reject) => {
    if (out.closed) return resolve();
    out.once('close', resolve);
    out.once('error', (e) => (rethrow ? reject(e) : resolve()));
    out.end();
  });
}
