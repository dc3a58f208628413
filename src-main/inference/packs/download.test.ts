import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DownloadProgress, downloadPack, findPack, listPacks, verifyPack } from './index';
import { sha256, tempDir, writeFakePack } from '../../testing/fake-pack';
import { type FileServer, closedPort, startFileServer } from '../../testing/file-server';
import { caught } from '../../testing/expect-lw-error';

let userDir: string;
let server: FileServer;
const savedEnv = process.env.LABELWRIGHT_MODELS;

beforeEach(async () => {
  userDir = await tempDir('lw-dl-models-');
  process.env.LABELWRIGHT_MODELS = userDir;
  server = await startFileServer();
});
afterEach(async () => {
  await server.close();
  if (savedEnv === undefined) delete process.env.LABELWRIGHT_MODELS;
  else process.env.LABELWRIGHT_MODELS = savedEnv;
  await rm(userDir, { recursive: true, force: true });
});


const SIZES = { backbone: 300_000, text: 200_000, head: 100_000, tokenizer: 5_000 };

/** A user manifest whose files are served by the local server (none on disk yet). */
async function servedPack(
  id: string,
  opts: {
    withSha256?: boolean;
    withBytes?: boolean;
    licenseNotice?: string;
    urls?: Record<string, string>;
  } = {},
): Promise<{ dir: string; bodies: Record<string, Buffer> }> {
  const bodies = Object.fromEntries(Object.entries(SIZES).map(([r, n]) => [r, randomBytes(n)]));
  const urls: Record<string, string> = {};
  for (const [role, body] of Object.entries(bodies)) {
    server.files.set(`/${id}/${role}`, { body });
    urls[role] = opts.urls?.[role] ?? server.url(`/${id}/${role}`);
  }
  const { dir } = await writeFakePack(userDir, { ...opts, id, files: bodies, manifestOnly: true, urls });
  return { dir, bodies };
}

describe('downloadPack', () => {
  it('downloads every file, verifies it, and renames it into place only when complete', async () => {
    const { dir, bodies } = await servedPack('dl-full', { withSha256: true, withBytes: true });
    const seen: DownloadProgress[] = [];
    let sawPartWithoutFinal = false;
    const pack = await downloadPack('dl-full', {
      onProgress: (p) => {
        seen.push(p);
        if (
          p.phase === 'download' &&
          p.role === 'backbone' &&
          p.fileDone > 0 &&
          p.fileDone < SIZES.backbone
        ) {
          const final = path.join(dir, 'backbone.onnx');
          if (!existsSync(final) && existsSync(`${final}.part`)) sawPartWithoutFinal = true;
        }
      },
    });
    expect(sawPartWithoutFinal).toBe(true);
    expect(pack.dir).toBe(dir);
    expect(pack.missing).toEqual([]);
    for (const [role, body] of Object.entries(bodies)) {
      expect(sha256(await readFile(pack.files[role]))).toBe(sha256(body));
      expect(existsSync(`${pack.files[role]}.part`)).toBe(false);
    }
    const total = Object.values(SIZES).reduce((a, b) => a + b, 0);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ phase: 'done', done: total, total });
    expect(seen.filter((p) => p.phase === 'done').map((p) => p.role)).toEqual([
      'backbone',
      'text',
      'head',
      'tokenizer',
    ]);
    // monotonic overall progress
    for (let i = 1; i < seen.length; i++) expect(seen[i].done).toBeGreaterThanOrEqual(seen[i - 1].done);
    expect(server.requests.every((r) => r.range === null)).toBe(true);
    // a second run has nothing to fetch
    const before = server.requests.length;
    await downloadPack('dl-full');
    expect(server.requests.length).toBe(before);
    expect((await findPack('dl-full')).dir).toBe(dir);
  });

  it('resumes an interrupted transfer from the .part with a Range request (automatic retry)', async () => {
    const { bodies } = await servedPack('dl-resume', { withSha256: true });
    server.files.get('/dl-resume/backbone')!.dropAfter = 120_000;
    const pack = await downloadPack('dl-resume', { retryDelayMs: 10 });
    expect(sha256(await readFile(pack.files.backbone))).toBe(sha256(bodies.backbone));
    const reqs = server.requests.filter((r) => r.path === '/dl-resume/backbone');
    expect(reqs.length).toBe(2);
    expect(reqs[0]).toMatchObject({ range: null, status: 200 });
    expect(reqs[1].status).toBe(206);
    expect(reqs[1].range).toMatch(/^bytes=\d+-$/);
    const resumedAt = Number(/=(\d+)-/.exec(reqs[1].range!)![1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(120_000);
    expect(server.bytesSent('/dl-resume/backbone')).toBeLessThan(2 * SIZES.backbone);
  });

  it('resumes on the next call when a transfer broke off and retries were used up', async () => {
    const { dir, bodies } = await servedPack('dl-resume2', { withSha256: true });
    server.files.get('/dl-resume2/text')!.dropAfter = 50_000;
    const e = await caught(downloadPack('dl-resume2', { retries: 0 }));
    expect(e.code).toBe('MODEL_DOWNLOAD_FAILED');
    expect(e.message).toContain(server.url('/dl-resume2/text'));
    const part = path.join(dir, 'text.onnx.part');
    const partSize = (await stat(part)).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThanOrEqual(50_000);
    expect(existsSync(path.join(dir, 'backbone.onnx'))).toBe(true);

    const pack = await downloadPack('dl-resume2', { retries: 0 });
    expect(sha256(await readFile(pack.files.text))).toBe(sha256(bodies.text));
    const reqs = server.requests.filter((r) => r.path === '/dl-resume2/text');
    expect(reqs.map((r) => r.range)).toEqual([null, `bytes=${partSize}-`]);
    expect(server.bytesSent('/dl-resume2/text')).toBeLessThan(2 * SIZES.text);
    // backbone was not fetched again
    expect(server.requests.filter((r) => r.path === '/dl-resume2/backbone').length).toBe(1);
  });

  it('starts over when the server ignores Range', async () => {
    const { bodies } = await servedPack('dl-norange', { withSha256: true });
    Object.assign(server.files.get('/dl-norange/head')!, { dropAfter: 30_000, ignoreRange: true });
    const pack = await downloadPack('dl-norange', { retryDelayMs: 10 });
    expect(sha256(await readFile(pack.files.head))).toBe(sha256(bodies.head));
  });

  it('deletes a file whose sha256 does not match and says expected vs actual', async () => {
    const { dir, bodies } = await servedPack('dl-badhash', { withSha256: true });
    server.files.get('/dl-badhash/head')!.corrupt = true;
    const e = await caught(downloadPack('dl-badhash'));
    expect(e.code).toBe('MODEL_DOWNLOAD_FAILED');
    const served = Buffer.from(bodies.head);
    for (let i = 0; i < served.length; i += 97) served[i] ^= 0xff;
    expect(e.message).toContain(`expected ${sha256(bodies.head)}, got ${sha256(served)}`);
    expect(e.message).toContain('head.onnx');
    expect(e.message).toContain('deleted');
    expect(existsSync(path.join(dir, 'head.onnx'))).toBe(false);
    expect(existsSync(path.join(dir, 'head.onnx.part'))).toBe(false);
    const pack = (await listPacks()).find((p) => p.manifest.id === 'dl-badhash')!;
    expect(pack.missing).toEqual(['head', 'tokenizer']);
  });

  it('cancels through an AbortSignal, keeping the .part, and resumes later', async () => {
    const { dir, bodies } = await servedPack('dl-cancel', { withSha256: true });
    Object.assign(server.files.get('/dl-cancel/backbone')!, { chunkSize: 16_384, trickleMs: 15 });
    const ac = new AbortController();
    const e = await caught(
      downloadPack('dl-cancel', {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.role === 'backbone' && p.fileDone >= 60_000) ac.abort();
        },
      }),
    );
    expect(e.code).toBe('CANCELLED');
    expect(e.hint).toContain('.part');
    const part = path.join(dir, 'backbone.onnx.part');
    const partSize = (await stat(part)).size;
    expect(partSize).toBeGreaterThanOrEqual(60_000);
    expect(partSize).toBeLessThan(SIZES.backbone);
    expect(existsSync(path.join(dir, 'backbone.onnx'))).toBe(false);

    server.files.get('/dl-cancel/backbone')!.trickleMs = 0;
    const pack = await downloadPack('dl-cancel');
    expect(sha256(await readFile(pack.files.backbone))).toBe(sha256(bodies.backbone));
    expect(server.requests.filter((r) => r.path === '/dl-cancel/backbone').at(-1)!.range).toBe(
      `bytes=${partSize}-`,
    );
  });

  it('one download per pack at a time; a stale lock is taken over', async () => {
    const { dir } = await servedPack('dl-lock', { withSha256: true });
    Object.assign(server.files.get('/dl-lock/backbone')!, { chunkSize: 32_768, trickleMs: 10 });
    let started!: () => void;
    const downloading = new Promise<void>((r) => (started = r));
    const first = downloadPack('dl-lock', {
      onProgress: (p) => p.phase === 'download' && p.fileDone > 0 && started(),
    });
    await downloading;
    const e = await caught(downloadPack('dl-lock'));
    expect(e.code).toBe('CONFLICT');
    expect((await first).missing).toEqual([]);
    // a lock left by a process that no longer exists
    await rm(path.join(dir, 'head.onnx'));
    await writeFile(path.join(dir, '.download.lock'), '999999999');
    expect((await downloadPack('dl-lock')).missing).toEqual([]);
    expect(existsSync(path.join(dir, '.download.lock'))).toBe(false);
  });

  it('an already aborted signal does nothing', async () => {
    await servedPack('dl-aborted');
    const e = await caught(downloadPack('dl-aborted', { signal: AbortSignal.abort() }));
    expect(e.code).toBe('CANCELLED');
    expect(server.requests.length).toBe(0);
  });

  it('records the sha256 and size of a first download into the user manifest', async () => {
    const { dir, bodies } = await servedPack('dl-record');
    const before = JSON.parse(await readFile(path.join(dir, 'pack.json'), 'utf8'));
    expect(before.files.backbone.sha256).toBeUndefined();
    await downloadPack('dl-record');
    const after = JSON.parse(await readFile(path.join(dir, 'pack.json'), 'utf8'));
    for (const [role, body] of Object.entries(bodies)) {
      expect(after.files[role].sha256).toBe(sha256(body));
      expect(after.files[role].bytes).toBe(body.length);
      expect(after.files[role].url).toBe(before.files[role].url);
    }
    expect(existsSync(path.join(dir, 'pack.json.tmp'))).toBe(false);
    // the recorded hash is now enforced: a damaged file fails verification
    const pack = await findPack('dl-record');
    const f = pack.files.tokenizer;
    const b = await readFile(f);
    b[1] ^= 1;
    await writeFile(f, b);
    const res = await verifyPack(await findPack('dl-record', { allowMissing: true, verify: 'none' }));
    expect(res.find((r) => r.role === 'tokenizer')!.ok).toBe(false);
  });

  it('connection refused gives MODEL_DOWNLOAD_FAILED naming the URL, with the sideload hint', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/x/backbone.onnx`;
    const { dir } = await servedPack('dl-refused', { urls: { backbone: url } });
    const e = await caught(downloadPack('dl-refused'));
    expect(e.code).toBe('MODEL_DOWNLOAD_FAILED');
    expect(e.message).toContain(url);
    expect(e.message).toContain('connection refused');
    expect(e.hint).toContain('labelwright models import <folder>');
    expect(e.hint).toContain('labelwright models info dl-refused');
    // the user's manifest stays
    expect(existsSync(path.join(dir, 'pack.json'))).toBe(true);
  });

  it('an unresolvable host gives MODEL_DOWNLOAD_FAILED naming the URL, with the sideload hint', async () => {
    const url = 'http://nonexistent.invalid/models/backbone.onnx';
    await servedPack('dl-nodns', { urls: { backbone: url } });
    const e = await caught(downloadPack('dl-nodns'));
    expect(e.code).toBe('MODEL_DOWNLOAD_FAILED');
    expect(e.message).toContain(url);
    expect(e.message).toMatch(/could not be resolved|ENOTFOUND|EAI_AGAIN/);
    expect(e.hint).toContain('labelwright models import <folder>');
  });

  it('HTTP 404 is a clear failure, not a retry loop', async () => {
    await servedPack('dl-404', { urls: { text: server.url('/missing/text') } });
    const e = await caught(downloadPack('dl-404', { retryDelayMs: 10 }));
    expect(e.code).toBe('MODEL_DOWNLOAD_FAILED');
    expect(e.message).toContain('HTTP 404');
    expect(e.message).toContain(server.url('/missing/text'));
    expect(server.requests.filter((r) => r.path === '/missing/text').length).toBe(1);
  });

  it('refuses a pack with a licence notice unless the licence is accepted', async () => {
    await servedPack('dl-nc', { licenseNotice: 'Non-commercial use only.' });
    const e = await caught(downloadPack('dl-nc'));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('Non-commercial use only.');
    expect(e.hint).toContain('--accept-license');
    expect(server.requests.length).toBe(0);
    const pack = await downloadPack('dl-nc', { acceptLicense: true });
    expect(pack.missing).toEqual([]);
  });

  it('LABELWRIGHT_OFFLINE=1 fails at once on the real GLIP manifest, naming its URL, leaving no empty copy', async () => {
    process.env.LABELWRIGHT_OFFLINE = '1';
    try {
      const e = await caught(downloadPack('glip-tiny-o365-goldg'));
      expect(e.code).toBe('MODEL_DOWNLOAD_FAILED');
      expect(e.message).toMatch(/could not download https:\/\/\S+\/swin_tiny_backbone\.onnx/);
      expect(e.message).toContain('LABELWRIGHT_OFFLINE');
      expect(e.hint).toContain('labelwright models import <folder>');
      expect(existsSync(path.join(userDir, 'glip-tiny-o365-goldg'))).toBe(false);
    } finally {
      delete process.env.LABELWRIGHT_OFFLINE;
    }
  });
});
