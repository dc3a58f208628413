import { stat } from 'node:fs/promises';
import { rememberSha256, sha256File } from './hash';
import type { InstalledPack } from './installed-packs';

export interface VerifyResult {
  role: string;
  ok: boolean;
  /** Why it failed, or a note when it passed with less than a full check. */
  reason?: string;
  /** The sha256 computed now (absent when the file is missing). */
  sha256?: string;
  bytes?: number;
}

export interface VerifyProgress {
  role: string;
  file: string;
  /** Bytes hashed of this file / its size. */
  fileDone: number;
  fileTotal: number;
  /** Bytes hashed over the whole pack / the pack's total size on disk. */
  done: number;
  total: number;
}

/**
 * Full check of every file: present, size equal to `bytes`, sha256 equal to `sha256`
 * (always hashed, never taken from the cache). Passing files refresh the hash cache
 * that loads use.
 */
export async function verifyPack(
  pack: InstalledPack,
  onProgress?: (p: VerifyProgress) => void,
  opts: { signal?: AbortSignal } = {},
): Promise<VerifyResult[]> {
  const roles = Object.keys(pack.manifest.files);
  const sizes = new Map<string, number>();
  for (const role of roles) {
    const st = await stat(pack.files[role]).catch(() => null);
    if (st?.isFile()) sizes.set(role, st.size);
  }
  const total = [...sizes.values()].reduce((a, b) => a + b, 0);
  let base = 0;
  const results: VerifyResult[] = [];
  for (const role of roles) {
    const spec = pack.manifest.files[role];
    const file = pack.files[role];
    const size = sizes.get(role);
    if (size === undefined) {
      results.push({ role, ok: false, reason: `missing: ${file}` });
      continue;
    }
    const sha256 = await sha256File(file, {
      ...(opts.signal ? { signal: opts.signal } : {}),
      onBytes: (n) => onProgress?.({ role, file, fileDone: n, fileTotal: size, done: base + n, total }),
    });
    base += size;
    const problems: string[] = [];
    if (spec.bytes !== undefined && spec.bytes !== size)
      problems.push(`size ${size} bytes, expected ${spec.bytes}`);
    if (spec.sha256 && spec.sha256 !== sha256)
      problems.push(`sha256 mismatch: expected ${spec.sha256}, got ${sha256}`);
    if (problems.length) results.push({ role, ok: false, reason: problems.join('; '), sha256, bytes: size });
    else {
      await rememberSha256(file, sha256);
      results.push(
        spec.sha256
          ? { role, ok: true, sha256, bytes: size }
          : { role, ok: true, reason: 'no sha256 in the manifest; size only', sha256, bytes: size },
      );
    }
  }
  return results;
}
