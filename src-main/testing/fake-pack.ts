/** Small fake packs for tests: a manifest plus files of random bytes. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

export const GLIP_FILES = {
  backbone: 'backbone.onnx',
  text: 'text.onnx',
  head: 'head.onnx',
  tokenizer: 'tokenizer.json',
} as const;

export interface FakePackSpec {
  id: string;
  kind?: 'glip' | 'groupvit';
  /** role -> contents (default: a few KB of random bytes per GLIP role). */
  files?: Record<string, Buffer>;
  /** role -> path inside the pack (default GLIP_FILES or `<role>.bin`). */
  paths?: Record<string, string>;
  withSha256?: boolean;
  withBytes?: boolean;
  urls?: Record<string, string>;
  licenseNotice?: string;
  /** Write only the manifest, not the files. */
  manifestOnly?: boolean;
}

export function randomFiles(sizes: Record<string, number>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(sizes).map(([role, n]) => [role, randomBytes(n)]));
}

export async function tempDir(prefix = 'lw-packs-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Writes `<parent>/<id>/pack.json` and its files; returns the pack folder and the manifest. */
export async function writeFakePack(
  parent: string,
  spec: FakePackSpec,
): Promise<{ dir: string; manifest: Record<string, unknown> }> {
  const kind = spec.kind ?? 'glip';
  const files =
    spec.files ??
    randomFiles(
      kind === 'glip'
        ? { backbone: 4096, text: 3000, head: 2048, tokenizer: 500 }
        : { image: 4096, text: 3000, tokenizer: 500 },
    );
  const dir = path.join(parent, spec.id);
  await mkdir(dir, { recursive: true });
  const entries: Record<string, Record<string, unknown>> = {};
  for (const [role, body] of Object.entries(files)) {
    const p = spec.paths?.[role] ?? (GLIP_FILES as Record<string, string>)[role] ?? `${role}.bin`;
    entries[role] = {
      path: p,
      ...(spec.urls?.[role] ? { url: spec.urls[role] } : {}),
      ...(spec.withSha256 ? { sha256: sha256(body) } : {}),
      ...(spec.withBytes ? { bytes: body.length } : {}),
    };
    if (!spec.manifestOnly) {
      await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
      await writeFile(path.join(dir, p), body);
    }
  }
  const manifest = {
    id: spec.id,
    kind,
    displayName: `Fake ${spec.id}`,
    license: 'MIT',
    ...(spec.licenseNotice ? { licenseNotice: spec.licenseNotice } : {}),
    files: entries,
    params: {},
  };
  await writeFile(path.join(dir, 'pack.json'), JSON.stringify(manifest, null, 2));
  return { dir, manifest };
}
