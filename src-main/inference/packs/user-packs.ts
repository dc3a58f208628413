import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { PackManifest } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import { forgetSha256, rememberSha256 } from './hash';
import { MANIFEST_NAME, loadManifest, validateManifest, writeManifest } from './manifest';
import { modelsDirs } from '../../platform/paths';
import { type InstalledPack, inspectPack, scanPacks } from './installed-packs';

export interface ImportOptions {
  /** Which known pack the folder holds, when it has no pack.json of its own. */
  id?: string;
  /** Bytes copied so far / in all. */
  onProgress?: (p: { file: string; done: number; total: number }) => void;
}

/** Notice files worth keeping next to the weights. */
const NOTICE = /^(licen[cs]e|notice|readme|copying)(\.[a-z0-9]+)?$/i;

/**
 * Finds the manifest for a sideloaded folder: its own pack.json, or (for a folder that
 * holds only the downloaded files) the known manifest named by `id`, or the one known
 * manifest whose files are all in the folder.
 */
async function manifestForFolder(folder: string, id?: string): Promise<PackManifest> {
  if (existsSync(path.join(folder, MANIFEST_NAME))) {
    const m = await loadManifest(folder);
    if (id && m.id !== id)
      throw new LwError(
        'INVALID_ARGUMENT',
        `${path.join(folder, MANIFEST_NAME)} is pack "${m.id}", not "${id}"`,
      );
    return m;
  }
  const { packs, shadowed } = await scanPacks();
  const known = [...packs, ...shadowed];
  if (id) {
    const hit = known.find((p) => p.manifest.id === id);
    if (!hit)
      throw new LwError(
        'MODEL_PACK_MISSING',
        `no known model pack "${id}"`,
        'Run `labelwright models list` to see the known packs.',
      );
    return structuredClone(hit.manifest);
  }
  // Packs whose files are all in the folder; fixtures never need sideloading, and a pack
  // that is not installed yet is the likelier one.
  const candidates = known.filter(
    (p) =>
      !p.manifest.fixture &&
      Object.values(p.manifest.files).every((f) => existsSync(path.join(folder, ...f.path.split('/')))),
  );
  const notInstalled = candidates.filter((p) => p.missing.length > 0);
  const matches = new Map<string, PackManifest>();
  for (const p of notInstalled.length ? notInstalled : candidates) matches.set(p.manifest.id, p.manifest);
  if (matches.size === 1) return structuredClone([...matches.values()][0]);
  if (matches.size > 1)
    throw new LwError(
      'INVALID_ARGUMENT',
      `${folder} matches several packs (${[...matches.keys()].join(', ')})`,
      'Say which with `--id <id>`.',
    );
  throw new LwError(
    'MODEL_PACK_MISSING',
    `${folder} has no ${MANIFEST_NAME} and does not hold all the files of any known pack`,
    'Put the pack.json of the pack in the folder, or name the pack with `--id <id>` (see `labelwright models info <id>` for the file names).',
  );
}

async function copyHashing(src: string, dest: string, onBytes: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  let n = 0;
  await pipeline(
    createReadStream(src, { highWaterMark: 1 << 20 }),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        n += chunk.length;
        onBytes(n);
        yield chunk;
      }
    },
    createWriteStream(dest, { flush: true }),
  );
  return hash.digest('hex');
}

/**
 * Sideloads a pack: validates the manifest, checks every file's size and sha256 (where
 * the manifest has them), and copies the pack into the user's models folder, replacing
 * any earlier copy only once the new one is complete. Hashes the manifest lacks are
 * recorded in the copy.
 */
export async function importPack(folder: string, opts: ImportOptions = {}): Promise<InstalledPack> {
  const src = path.resolve(folder);
  const st = await stat(src).catch(() => null);
  if (!st?.isDirectory())
    throw new LwError(
      'MODEL_PACK_MISSING',
      `${src} is not a folder`,
      'Pass the folder that holds pack.json and the model files.',
    );
  const manifest = await manifestForFolder(src, opts.id);
  const id = manifest.id;

  const missing: string[] = [];
  const sizes = new Map<string, number>();
  for (const [role, f] of Object.entries(manifest.files)) {
    const fst = await stat(path.join(src, ...f.path.split('/'))).catch(() => null);
    if (!fst?.isFile()) missing.push(`${f.path} (${role})`);
    else sizes.set(role, fst.size);
  }
  if (missing.length)
    throw new LwError(
      'MODEL_PACK_INVALID',
      `cannot import "${id}" from ${src}: missing ${missing.join(', ')}`,
      'Fetch every file of the pack into the folder first.',
    );
  for (const [role, f] of Object.entries(manifest.files)) {
    if (f.bytes !== undefined && sizes.get(role) !== f.bytes)
      throw new LwError(
        'MODEL_PACK_INVALID',
        `cannot import "${id}": ${f.path} (${role}) has ${sizes.get(role)} bytes, the manifest says ${f.bytes}`,
        'The file is incomplete or a different version; fetch it again.',
      );
  }

  const { user } = modelsDirs();
  const target = path.join(user, id);
  if (path.resolve(target) === src)
    throw new LwError('INVALID_ARGUMENT', `${src} is already the installed copy of "${id}"`);
  await mkdir(user, { recursive: true });
  const staging = path.join(user, `.import-${id}-${randomBytes(4).toString('hex')}`);
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  let base = 0;
  try {
    await mkdir(staging, { recursive: true });
    for (const [role, f] of Object.entries(manifest.files)) {
      const from = path.join(src, ...f.path.split('/'));
      const to = path.join(staging, ...f.path.split('/'));
      await mkdir(path.dirname(to), { recursive: true });
      const digest = await copyHashing(from, to, (n) =>
        opts.onProgress?.({ file: f.path, done: base + n, total }),
      );
      base += sizes.get(role)!;
      if (f.sha256 && digest !== f.sha256)
        throw new LwError(
          'MODEL_PACK_INVALID',
          `cannot import "${id}": sha256 mismatch for ${f.path} (${role}): expected ${f.sha256}, got ${digest}`,
          'The file is damaged or a different version; fetch it again.',
        );
      f.sha256 = digest;
      f.bytes = sizes.get(role)!;
    }
    for (const e of await readdir(src, { withFileTypes: true })) {
      if (e.isFile() && NOTICE.test(e.name) && !existsSync(path.join(staging, e.name)))
        await copyFile(path.join(src, e.name), path.join(staging, e.name));
    }
    validateManifest(manifest, path.join(src, MANIFEST_NAME));
    await writeManifest(staging, manifest);

    const old = existsSync(target) ? `${staging}.old` : null;
    if (old) await rename(target, old);
    try {
      await rename(staging, target);
    } catch (e) {
      if (old) await rename(old, target);
      throw e;
    }
    if (old) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
  const pack = await inspectPack(target, 'user');
  for (const [role, f] of Object.entries(manifest.files)) await rememberSha256(pack.files[role], f.sha256!);
  return pack;
}

/** Deletes a pack from the user's models folder (bundled packs cannot be removed). */
export async function removePack(id: string): Promise<{ dir: string }> {
  const { user } = modelsDirs();
  const { packs, shadowed, invalid } = await scanPacks();
  const mine = [...packs, ...shadowed].find((p) => p.source === 'user' && p.manifest.id === id);
  const dir =
    mine?.dir ??
    invalid.find((i) => path.dirname(i.dir) === path.resolve(user) && path.basename(i.dir) === id)?.dir;
  if (!dir) {
    if (packs.some((p) => p.manifest.id === id))
      throw new LwError(
        'INVALID_ARGUMENT',
        `"${id}" is bundled with the app, not installed by you; there is nothing to remove`,
      );
    throw new LwError(
      'MODEL_PACK_MISSING',
      `no installed model pack "${id}" in ${user}`,
      'Run `labelwright models list` to see the installed packs.',
    );
  }
  if (mine) for (const f of Object.values(mine.files)) await forgetSha256(f);
  await rm(dir, { recursive: true, force: true });
  return { dir };
}
