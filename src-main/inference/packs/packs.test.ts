import { existsSync } from 'node:fs';
import { appendFile, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findPack,
  importPack,
  inspectPack,
  listPacks,
  loadManifest,
  packSha256,
  removePack,
  requiredRoles,
  verifyPack,
} from './index';
import { repoRoot } from '../../platform/paths';
import { sha256, tempDir, writeFakePack } from '../../testing/fake-pack';
import { caught } from '../../testing/expect-lw-error';

const REAL = ['glip-tiny-o365-goldg', 'groupvit-gcc-yfcc', 'groupvit-gcc-redcap'];

let userDir: string;
let scratch: string;
const savedEnv = process.env.LABELWRIGHT_MODELS;

beforeEach(async () => {
  userDir = await tempDir('lw-user-models-');
  scratch = await tempDir('lw-scratch-');
  process.env.LABELWRIGHT_MODELS = userDir;
});
afterEach(async () => {
  if (savedEnv === undefined) delete process.env.LABELWRIGHT_MODELS;
  else process.env.LABELWRIGHT_MODELS = savedEnv;
  await rm(userDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});


async function writeManifestJson(dir: string, data: unknown): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'pack.json'), typeof data === 'string' ? data : JSON.stringify(data));
}

const glipManifest = (files: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'x-pack',
  kind: 'glip',
  displayName: 'X',
  license: 'MIT',
  files,
  ...extra,
});
const glipFiles = () => ({
  backbone: { path: 'b.onnx' },
  text: { path: 't.onnx' },
  head: { path: 'h.onnx' },
  tokenizer: { path: 'tokenizer.json' },
});

describe('requiredRoles', () => {
  it('is fixed per kind', () => {
    expect(requiredRoles('glip')).toEqual(['backbone', 'text', 'head', 'tokenizer']);
    expect(requiredRoles('groupvit')).toEqual(['image', 'text', 'tokenizer']);
  });
});

describe('the real published manifests', () => {
  it.each(REAL)('%s loads and validates', async (id) => {
    const dir = path.join(repoRoot()!, 'models', id);
    const m = await loadManifest(dir);
    expect(m.id).toBe(id);
    for (const role of requiredRoles(m.kind)) {
      expect(m.files[role]?.url).toMatch(/^https:\/\//);
    }
    if (m.kind === 'groupvit') {
      expect(m.licenseNotice).toMatch(/non-commercial/i);
      expect(m.license).toMatch(/NVIDIA Source Code License/);
      expect(m.params.logitScale).toBe(id.endsWith('yfcc') ? 4.2057 : 4.0383);
      expect(m.files.text.path).toMatch(/_mlc\.onnx$/);
    } else {
      expect(m.license).toMatch(/^MIT/);
      expect(m.licenseNotice).toBeUndefined();
    }
    expect(existsSync(path.join(dir, 'NOTICE.md'))).toBe(true);
  });

  it('are listed as known but not downloaded, and findPack says how to get them', async () => {
    const packs = await listPacks();
    for (const id of REAL) {
      const p = packs.find((x) => x.manifest.id === id)!;
      expect(p.source).toBe('bundled');
      expect(p.missing.sort()).toEqual(requiredRoles(p.manifest.kind).sort());
    }
    const e = await caught(findPack('glip-tiny-o365-goldg'));
    expect(e.code).toBe('MODEL_PACK_MISSING');
    expect(e.hint).toContain('labelwright models download glip-tiny-o365-goldg');
    expect(e.hint).toContain('labelwright models import <folder>');
  });
});

describe('manifest validation', () => {
  it('names the missing role and the roles the kind needs', async () => {
    const files: Record<string, unknown> = glipFiles();
    delete files.head;
    await writeManifestJson(scratch, glipManifest(files));
    const e = await caught(loadManifest(scratch));
    expect(e.code).toBe('MODEL_PACK_INVALID');
    expect(e.message).toContain(path.join(scratch, 'pack.json'));
    expect(e.message).toContain('files.head: missing');
    expect(e.message).toContain('backbone, text, head, tokenizer');
  });

  it('rejects unknown kinds, listing the known ones', async () => {
    await writeManifestJson(scratch, { ...glipManifest(glipFiles()), kind: 'yolo' });
    const e = await caught(loadManifest(scratch));
    expect(e.code).toBe('MODEL_PACK_INVALID');
    expect(e.message).toContain('kind: unknown kind "yolo"; known kinds: glip, groupvit');
  });

  it('rejects a badly formed sha256 with its JSON path', async () => {
    const files = glipFiles() as Record<string, Record<string, unknown>>;
    files.backbone.sha256 = 'ABC123';
    await writeManifestJson(scratch, glipManifest(files));
    const e = await caught(loadManifest(scratch));
    expect(e.message).toContain('files.backbone.sha256: must be 64 lowercase hex digits');
  });

  it.each(['../x', 'a/../../x', '/etc/passwd', 'C:/x.onnx', 'a\\..\\x', './x', 'a//b'])(
    'rejects the path %j',
    async (p) => {
      const files = glipFiles() as Record<string, Record<string, unknown>>;
      files.text.path = p;
      await writeManifestJson(scratch, glipManifest(files));
      const e = await caught(loadManifest(scratch));
      expect(e.code).toBe('MODEL_PACK_INVALID');
      expect(e.message).toContain('files.text.path');
    },
  );

  it('rejects two roles sharing a file', async () => {
    const files = glipFiles() as Record<string, Record<string, unknown>>;
    files.head.path = 'b.onnx';
    await writeManifestJson(scratch, glipManifest(files));
    expect((await caught(loadManifest(scratch))).message).toContain('also the file of role "backbone"');
  });

  it('names the file when the JSON does not parse, and reports a folder without pack.json as missing', async () => {
    await writeManifestJson(scratch, '{ "id": ');
    const e = await caught(loadManifest(scratch));
    expect(e.code).toBe('MODEL_PACK_INVALID');
    expect(e.message).toContain(path.join(scratch, 'pack.json'));
    const empty = path.join(scratch, 'empty');
    expect((await caught(loadManifest(empty))).code).toBe('MODEL_PACK_MISSING');
  });

  it('accepts subfolders inside the pack', async () => {
    const files = glipFiles() as Record<string, Record<string, unknown>>;
    files.tokenizer.path = 'tok/tokenizer.json';
    await writeManifestJson(scratch, glipManifest(files));
    expect((await loadManifest(scratch)).files.tokenizer.path).toBe('tok/tokenizer.json');
  });
});

describe('installed packs', () => {
  it('lists missing files and findPack explains which', async () => {
    const { dir } = await writeFakePack(userDir, { id: 'fake-glip', withSha256: true });
    await rm(path.join(dir, 'head.onnx'));
    const pack = await inspectPack(dir);
    expect(pack.missing).toEqual(['head']);
    expect(pack.files.head).toBe(path.join(dir, 'head.onnx'));
    expect(pack.source).toBe('user');
    const e = await caught(findPack('fake-glip'));
    expect(e.code).toBe('MODEL_PACK_MISSING');
    expect(e.message).toContain('head');
    expect(e.message).toContain(path.join(dir, 'head.onnx'));
    expect(e.hint).toContain('models import <folder>');
    // allowMissing hands it back for download/verify
    expect((await findPack('fake-glip', { allowMissing: true })).missing).toEqual(['head']);
  });

  it('findPack by id or folder, and an unknown id names the known ones', async () => {
    const { dir } = await writeFakePack(userDir, { id: 'fake-glip', withSha256: true, withBytes: true });
    expect((await findPack('fake-glip')).dir).toBe(dir);
    expect((await findPack(dir)).manifest.id).toBe('fake-glip');
    const e = await caught(findPack('nope'));
    expect(e.code).toBe('MODEL_PACK_MISSING');
    expect(e.message).toContain('fake-glip');
    expect(e.hint).toContain('labelwright models download <id>');
  });

  it('findPack checks sizes and hashes at load (hash cached on size and mtime)', async () => {
    const { dir } = await writeFakePack(userDir, { id: 'fake-glip', withSha256: true, withBytes: true });
    await findPack('fake-glip');
    // same size, different content, new mtime: the cache misses and the hash catches it
    const f = path.join(dir, 'text.onnx');
    const body = await readFile(f);
    body[0] ^= 0xff;
    await writeFile(f, body);
    const later = new Date(Date.now() + 5000);
    await utimes(f, later, later);
    const e = await caught(findPack('fake-glip'));
    expect(e.code).toBe('MODEL_PACK_INVALID');
    expect(e.message).toMatch(/text\.onnx.*sha256: expected [0-9a-f]{64}, got [0-9a-f]{64}/);
    // a size change is caught without hashing
    await appendFile(path.join(dir, 'head.onnx'), 'x');
    expect((await caught(findPack('fake-glip'))).message).toMatch(
      /head\.onnx.*2049 bytes, the manifest says 2048/,
    );
  });

  it('packSha256 identifies the weights and changes with them', async () => {
    const { dir } = await writeFakePack(userDir, { id: 'fp', withSha256: false });
    const a = await packSha256(await inspectPack(dir));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await packSha256(await inspectPack(dir))).toBe(a);
    await writeFile(path.join(dir, 'head.onnx'), 'other');
    const later = new Date(Date.now() + 5000);
    await utimes(path.join(dir, 'head.onnx'), later, later);
    expect(await packSha256(await inspectPack(dir))).not.toBe(a);
  });

  it('an invalid pack in the models folder does not hide the others', async () => {
    await writeFakePack(userDir, { id: 'good-one', withSha256: true });
    await writeManifestJson(path.join(userDir, 'broken'), { id: 'broken', kind: 'nope' });
    const ids = (await listPacks()).map((p) => p.manifest.id);
    expect(ids).toContain('good-one');
    expect(ids).not.toContain('broken');
    expect((await caught(findPack('broken'))).code).toBe('MODEL_PACK_INVALID');
  });
});

describe('verifyPack', () => {
  it('hashes every file and reports expected vs actual', async () => {
    const { dir } = await writeFakePack(userDir, { id: 'fake-glip', withSha256: true, withBytes: true });
    const events: number[] = [];
    let pack = await inspectPack(dir);
    let res = await verifyPack(pack, (p) => events.push(p.done));
    expect(res.every((r) => r.ok)).toBe(true);
    expect(events.at(-1)).toBe(4096 + 3000 + 2048 + 500);

    const f = path.join(dir, 'backbone.onnx');
    const body = await readFile(f);
    const expected = sha256(body);
    body[10] ^= 1;
    await writeFile(f, body);
    await rm(path.join(dir, 'tokenizer.json'));
    pack = await inspectPack(dir);
    res = await verifyPack(pack);
    const bb = res.find((r) => r.role === 'backbone')!;
    expect(bb.ok).toBe(false);
    expect(bb.reason).toBe(`sha256 mismatch: expected ${expected}, got ${sha256(body)}`);
    const tok = res.find((r) => r.role === 'tokenizer')!;
    expect(tok).toMatchObject({ ok: false });
    expect(tok.reason).toContain('missing');
  });

  it('passes files without a hash on size alone, saying so', async () => {
    const { dir } = await writeFakePack(userDir, { id: 'fake-glip' });
    const res = await verifyPack(await inspectPack(dir));
    expect(res.every((r) => r.ok && r.reason?.includes('no sha256'))).toBe(true);
  });
});

describe('importPack (sideload)', () => {
  it('verifies, copies into the user folder, and list shows it installed', async () => {
    const { dir: src } = await writeFakePack(scratch, { id: 'side-glip', withSha256: true, withBytes: true });
    await writeFile(path.join(src, 'LICENSE'), 'MIT licence text');
    await writeFile(path.join(src, 'unrelated.bin'), 'x');
    const pack = await importPack(src);
    expect(pack.dir).toBe(path.join(userDir, 'side-glip'));
    expect(pack.source).toBe('user');
    expect(pack.missing).toEqual([]);
    expect(existsSync(path.join(pack.dir, 'LICENSE'))).toBe(true);
    expect(existsSync(path.join(pack.dir, 'unrelated.bin'))).toBe(false);
    for (const role of Object.keys(pack.files)) {
      expect(sha256(await readFile(pack.files[role]))).toBe(
        sha256(await readFile(path.join(src, pack.manifest.files[role].path))),
      );
    }
    const listed = (await listPacks()).find((p) => p.manifest.id === 'side-glip')!;
    expect(listed.source).toBe('user');
    expect(listed.missing).toEqual([]);
    expect((await findPack('side-glip')).dir).toBe(pack.dir);
    // the source folder is untouched
    expect(existsSync(path.join(src, 'backbone.onnx'))).toBe(true);
  });

  it('records hashes the manifest lacks, and replaces an earlier copy', async () => {
    const { dir: src } = await writeFakePack(scratch, { id: 'side-glip' });
    await importPack(src);
    const written = JSON.parse(await readFile(path.join(userDir, 'side-glip', 'pack.json'), 'utf8'));
    expect(written.files.backbone.sha256).toBe(sha256(await readFile(path.join(src, 'backbone.onnx'))));
    expect(written.files.backbone.bytes).toBe(4096);
    await writeFile(path.join(src, 'backbone.onnx'), Buffer.alloc(10, 7));
    const again = await importPack(src);
    expect((await readFile(again.files.backbone)).length).toBe(10);
  });

  it('refuses a folder whose file does not match its sha256, copying nothing', async () => {
    const { dir: src } = await writeFakePack(scratch, { id: 'side-glip', withSha256: true });
    const f = path.join(src, 'head.onnx');
    const body = await readFile(f);
    const expected = sha256(body);
    body[0] ^= 1;
    await writeFile(f, body);
    const e = await caught(importPack(src));
    expect(e.code).toBe('MODEL_PACK_INVALID');
    expect(e.message).toContain(`expected ${expected}, got ${sha256(body)}`);
    expect(existsSync(path.join(userDir, 'side-glip'))).toBe(false);
  });

  it('refuses a folder with a missing file', async () => {
    const { dir: src } = await writeFakePack(scratch, { id: 'side-glip' });
    await rm(path.join(src, 'text.onnx'));
    const e = await caught(importPack(src));
    expect(e.code).toBe('MODEL_PACK_INVALID');
    expect(e.message).toContain('text.onnx (text)');
  });

  it('imports a folder of bare files against a known manifest (found by its files, or named by id)', async () => {
    // a known manifest without its files, as after an offline download attempt
    const paths = {
      backbone: 'bare_b.onnx',
      text: 'bare_t.onnx',
      head: 'bare_h.onnx',
      tokenizer: 'tokenizer.json',
    };
    await writeFakePack(userDir, { id: 'bare-glip', manifestOnly: true, paths });
    const { dir: src } = await writeFakePack(scratch, { id: 'bare-glip', paths });
    await rm(path.join(src, 'pack.json'));
    let pack = await importPack(src);
    expect(pack.manifest.id).toBe('bare-glip');
    expect(pack.missing).toEqual([]);
    pack = await importPack(src, { id: 'bare-glip' });
    expect(pack.missing).toEqual([]);
    const e = await caught(importPack(src, { id: 'no-such-pack' }));
    expect(e.code).toBe('MODEL_PACK_MISSING');
  });

  it('removePack deletes user packs only', async () => {
    const { dir: src } = await writeFakePack(scratch, { id: 'side-glip' });
    const pack = await importPack(src);
    await removePack('side-glip');
    expect(existsSync(pack.dir)).toBe(false);
    expect((await caught(removePack('side-glip'))).code).toBe('MODEL_PACK_MISSING');
    expect((await caught(removePack('glip-tiny-o365-goldg'))).code).toBe('INVALID_ARGUMENT');
  });
});
