import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PackManifest } from '../../shared/contract';
import { LwError, isLwError } from '../../shared/errors';
import { cachedSha256, sha256Cached } from './hash';
import { MANIFEST_NAME, loadManifest } from './manifest';
import { modelsDirs } from '../../platform/paths';

export interface InstalledPack {
  manifest: PackManifest;
  /** Absolute path of the pack folder. */
  dir: string;
  /** role -> absolute path of its file (whether or not it exists). */
  files: Record<string, string>;
  /** Roles whose file is absent. */
  missing: string[];
  /** `user`: in the writable models folder (downloaded or imported); `bundled`: shipped with the app. */
  source: 'user' | 'bundled';
}

export interface InvalidPackDir {
  dir: string;
  error: LwError;
}

/** Builds the InstalledPack view of a folder: manifest, absolute file paths, which files are absent. */
export async function inspectPack(dir: string, source?: 'user' | 'bundled'): Promise<InstalledPack> {
  const abs = path.resolve(dir);
  const manifest = await loadManifest(abs);
  const files: Record<string, string> = {};
  const missing: string[] = [];
  for (const [role, f] of Object.entries(manifest.files)) {
    const p = path.join(abs, ...f.path.split('/'));
    files[role] = p;
    const st = await stat(p).catch(() => null);
    if (!st?.isFile()) missing.push(role);
  }
  return { manifest, dir: abs, files, missing, source: source ?? sourceOf(abs) };
}

function sourceOf(dir: string): 'user' | 'bundled' {
  const { bundled } = modelsDirs();
  const parent = path.dirname(dir);
  return bundled.some((b) => path.resolve(b) === parent) ? 'bundled' : 'user';
}

async function packDirsIn(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries
    .filter(
      (e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(path.join(root, e.name, MANIFEST_NAME)),
    )
    .map((e) => path.join(root, e.name))
    .sort();
}

/**
 * Every pack in the models folders, the user's first. When the same id is in several
 * folders the first one wins (a downloaded copy shadows the bundled manifest it came
 * from). Folders whose manifest is invalid are returned separately, not thrown.
 */
export async function scanPacks(): Promise<{
  packs: InstalledPack[];
  invalid: InvalidPackDir[];
  shadowed: InstalledPack[];
}> {
  const { user, bundled } = modelsDirs();
  const packs: InstalledPack[] = [];
  const shadowed: InstalledPack[] = [];
  const invalid: InvalidPackDir[] = [];
  const ids = new Set<string>();
  const roots: [string, 'user' | 'bundled'][] = [
    [user, 'user'],
    ...bundled.map((b): [string, 'bundled'] => [b, 'bundled']),
  ];
  for (const [root, source] of roots) {
    for (const dir of await packDirsIn(root)) {
      try {
        const pack = await inspectPack(dir, source);
        if (ids.has(pack.manifest.id)) shadowed.push(pack);
        else {
          ids.add(pack.manifest.id);
          packs.push(pack);
        }
      } catch (e) {
        if (isLwError(e)) invalid.push({ dir, error: e });
        else throw e;
      }
    }
  }
  return { packs, invalid, shadowed };
}

export async function listPacks(): Promise<InstalledPack[]> {
  return (await scanPacks()).packs;
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || s.startsWith('.') || path.isAbsolute(s);
}

/** Finds a pack by id or folder without requiring its files to be present. */
export async function lookupPack(idOrDir: string): Promise<InstalledPack> {
  const hasManifest = existsSync(path.join(idOrDir, MANIFEST_NAME));
  if (looksLikePath(idOrDir)) {
    if (hasManifest) return inspectPack(idOrDir);
    throw new LwError(
      'MODEL_PACK_MISSING',
      `no model pack in ${path.resolve(idOrDir)} (it has no ${MANIFEST_NAME})`,
      `${importHint()}.`,
    );
  }
  const { packs, invalid } = await scanPacks();
  const hit = packs.find((p) => p.manifest.id === idOrDir);
  if (hit) return hit;
  if (hasManifest) return inspectPack(idOrDir);
  const broken = invalid.find((i) => path.basename(i.dir) === idOrDir);
  if (broken) throw broken.error;
  const known = packs.map((p) => p.manifest.id);
  throw new LwError(
    'MODEL_PACK_MISSING',
    `no model pack "${idOrDir}"${known.length ? ` (known packs: ${known.join(', ')})` : ''}`,
    `Run \`labelwright models list\` to see the packs, \`labelwright models download <id>\` to fetch one, or ${importHint(false)}.`,
  );
}

function importHint(capital = true): string {
  return `${capital ? 'Import' : 'import'} a pack folder fetched elsewhere with \`labelwright models import <folder>\``;
}

export interface FindPackOptions {
  /** Return packs whose files are absent instead of throwing (download, verify, list). */
  allowMissing?: boolean;
  /**
   * `quick` (default): sizes against `bytes`, and sha256 against a hash cached on
   * (size, mtime), hashing a file only when it changed since it was last hashed.
   * `none`: presence only.
   */
  verify?: 'quick' | 'none';
}

/**
 * Finds an installed pack by id or folder, ready to load: every file present and, by
 * default, checked against the manifest's sizes and hashes.
 * Throws MODEL_PACK_MISSING (with what to run) or MODEL_PACK_INVALID.
 */
export async function findPack(idOrDir: string, opts: FindPackOptions = {}): Promise<InstalledPack> {
  const pack = await lookupPack(idOrDir);
  if (opts.allowMissing) return pack;
  if (pack.missing.length) {
    const id = pack.manifest.id;
    const list = pack.missing.map((r) => `${r} (${pack.files[r]})`).join(', ');
    const downloadable = pack.missing.every((r) => pack.manifest.files[r].url);
    throw new LwError(
      'MODEL_PACK_MISSING',
      `model pack "${id}" is not installed: missing ${pack.missing.length === 1 ? 'file' : 'files'} ${list}`,
      downloadable
        ? `Run \`labelwright models download ${id}\`, or fetch the files on another machine and run \`labelwright models import <folder>\`.`
        : `Put the missing files in ${pack.dir}, or run \`labelwright models import <folder>\` with a complete copy of the pack.`,
    );
  }
  if ((opts.verify ?? 'quick') === 'quick') await quickCheck(pack);
  return pack;
}

/** Size check, then sha256 through the (size, mtime) cache. */
export async function quickCheck(pack: InstalledPack): Promise<void> {
  // Sizes first: they are free, and a truncated file should not cost a hash.
  for (const [role, f] of Object.entries(pack.manifest.files)) {
    const file = pack.files[role];
    if (f.bytes !== undefined) {
      const st = await stat(file);
      if (st.size !== f.bytes)
        throw new LwError(
          'MODEL_PACK_INVALID',
          `${file} (role "${role}" of pack "${pack.manifest.id}") has ${st.size} bytes, the manifest says ${f.bytes}`,
          reinstallHint(pack),
        );
    }
  }
  for (const [role, f] of Object.entries(pack.manifest.files)) {
    const file = pack.files[role];
    if (f.sha256) {
      const actual = (await cachedSha256(file)) ?? (await sha256Cached(file));
      if (actual !== f.sha256)
        throw new LwError(
          'MODEL_PACK_INVALID',
          `${file} (role "${role}" of pack "${pack.manifest.id}") does not match its sha256: expected ${f.sha256}, got ${actual}`,
          reinstallHint(pack),
        );
    }
  }
}

function reinstallHint(pack: InstalledPack): string {
  return pack.source === 'user'
    ? `The file is damaged or was replaced. Run \`labelwright models download ${pack.manifest.id}\` again (it re-fetches bad files), or re-import the pack.`
    : 'The file is damaged or was replaced. Restore it, or regenerate/reinstall the pack.';
}

/**
 * One sha256 for the pack's content, for recording which weights produced a run: the
 * hash of `role:sha256` lines of its files, sorted by role (file hashes come from the
 * manifest when present, else from the (size, mtime) cache, hashing on a miss).
 */
export async function packSha256(pack: InstalledPack): Promise<string> {
  const lines: string[] = [];
  for (const role of Object.keys(pack.manifest.files).sort()) {
    const f = pack.manifest.files[role];
    lines.push(`${role}:${f.sha256 ?? (await sha256Cached(pack.files[role]))}`);
  }
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
