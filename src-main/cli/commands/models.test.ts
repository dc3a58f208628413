import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main';
import { repoRoot } from '../../platform/paths';
import { sha256, tempDir, writeFakePack } from '../../testing/fake-pack';
import { type FileServer, startFileServer } from '../../testing/file-server';

let userDir: string;
let scratch: string;
const saved = { models: process.env.LABELWRIGHT_MODELS, offline: process.env.LABELWRIGHT_OFFLINE };

beforeEach(async () => {
  userDir = await tempDir('lw-cli-models-');
  scratch = await tempDir('lw-cli-scratch-');
  process.env.LABELWRIGHT_MODELS = userDir;
  // The real manifests point at public hosts: tests never reach them.
  process.env.LABELWRIGHT_OFFLINE = '1';
});
afterEach(async () => {
  for (const [k, v] of [
    ['LABELWRIGHT_MODELS', saved.models],
    ['LABELWRIGHT_OFFLINE', saved.offline],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rm(userDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

/** Runs the CLI in-process through main(), capturing what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

interface ListJson {
  packs: {
    id: string;
    status: string;
    source: string;
    license: string;
    nonCommercial: boolean;
    bytes: number | null;
    executionProvider: string;
  }[];
  executionProvider: { provider: string; reason: string };
}

describe('labelwright models', () => {
  it('list shows the real packs as not downloaded, with licence and execution provider', async () => {
    const { code, stdout } = await cli('--json', 'models', 'list');
    expect(code).toBe(0);
    const data = JSON.parse(stdout) as ListJson;
    for (const id of ['glip-tiny-o365-goldg', 'groupvit-gcc-yfcc', 'groupvit-gcc-redcap']) {
      const p = data.packs.find((x) => x.id === id)!;
      expect(p).toMatchObject({ status: 'not downloaded', source: 'bundled' });
      expect(p.nonCommercial).toBe(id.startsWith('groupvit'));
      expect(['cuda', 'cpu', 'dml', 'coreml']).toContain(p.executionProvider);
    }
    expect(data.executionProvider.provider).toBe(data.packs[0].executionProvider);

    const human = await cli('models', 'list');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/glip-tiny-o365-goldg\s+glip\s+not downloaded/);
    expect(human.stdout).toContain('(non-commercial)');
    expect(human.stdout).toMatch(/Execution provider: (CUDA|CPU|DML|COREML) \(/);
  });

  it('LABELWRIGHT_EP=cpu makes list report CPU', async () => {
    process.env.LABELWRIGHT_EP = 'cpu';
    try {
      const data = JSON.parse((await cli('--json', 'models', 'list')).stdout) as ListJson;
      expect(data.executionProvider.provider).toBe('cpu');
    } finally {
      delete process.env.LABELWRIGHT_EP;
    }
  });

  it('download glip-tiny-o365-goldg fails offline with the URL and how to sideload (spawned CLI)', async () => {
    const root = repoRoot()!;
    const run = promisify(execFile);
    const r = await run(
      process.execPath,
      [path.join(root, 'bin', 'labelwright.js'), 'models', 'download', 'glip-tiny-o365-goldg'],
      {
        cwd: scratch,
        env: { ...process.env, LABELWRIGHT_MODELS: userDir, LABELWRIGHT_OFFLINE: '1' },
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: could not download https:\/\/\S+\/swin_tiny_backbone\.onnx/m);
    expect(r.stderr).toMatch(/^hint: .*labelwright models import <folder>/m);
    expect(existsSync(path.join(userDir, 'glip-tiny-o365-goldg'))).toBe(false);
  });

  it('download --json reports MODEL_DOWNLOAD_FAILED offline', async () => {
    const { code, stdout } = await cli('--json', 'models', 'download', 'glip-tiny-o365-goldg');
    expect(code).toBe(5);
    const { error } = JSON.parse(stdout) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe('MODEL_DOWNLOAD_FAILED');
    expect(error.message).toContain('swin_tiny_backbone.onnx');
    expect(error.hint).toContain('models import');
  });

  it('GroupViT download without --accept-license prints the licence and refuses', async () => {
    const { code, stderr } = await cli('models', 'download', 'groupvit-gcc-yfcc');
    expect(code).toBe(2);
    expect(stderr).toContain('NVIDIA Source Code License');
    expect(stderr).toMatch(/non-commercial/i);
    expect(stderr).toContain('--accept-license');
    expect(existsSync(path.join(userDir, 'groupvit-gcc-yfcc'))).toBe(false);

    // accepted: it goes on to the (offline) download
    const accepted = await cli('models', 'download', 'groupvit-gcc-redcap', '--accept-license');
    expect(accepted.code).toBe(5);
    expect(accepted.stderr).toContain('group_vit_gcc_redcap_30e-3dd09a76.onnx');
  });

  it('info lists the files and URLs to fetch for a sideload', async () => {
    const { code, stdout } = await cli('--json', 'models', 'info', 'groupvit-gcc-redcap');
    expect(code).toBe(0);
    const data = JSON.parse(stdout) as {
      files: { role: string; path: string; url: string }[];
      params: { logitScale: number };
    };
    expect(data.files.map((f) => f.role)).toEqual(['image', 'text', 'tokenizer']);
    expect(data.files.every((f) => f.url.startsWith('https://'))).toBe(true);
    expect(data.params.logitScale).toBe(4.0383);
  });

  it('import copies a pack folder in; list shows it installed; verify and remove work', async () => {
    const { dir: src } = await writeFakePack(scratch, { id: 'side-pack', withSha256: true, withBytes: true });
    const imp = await cli('--json', 'models', 'import', src);
    expect(imp.code).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({
      id: 'side-pack',
      status: 'installed',
      source: 'user',
      dir: path.join(userDir, 'side-pack'),
    });

    const data = JSON.parse((await cli('--json', 'models', 'list')).stdout) as ListJson;
    expect(data.packs.find((p) => p.id === 'side-pack')).toMatchObject({
      status: 'installed',
      source: 'user',
      bytes: 4096 + 3000 + 2048 + 500,
    });
    expect((await cli('models', 'list')).stdout).toMatch(
      /side-pack\s+glip\s+installed\s+9\.4 KB\s+MIT\s+user/,
    );

    const ok = await cli('models', 'verify', 'side-pack');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('all files verified');

    const f = path.join(userDir, 'side-pack', 'text.onnx');
    const body = await readFile(f);
    body[3] ^= 1;
    await writeFile(f, body);
    const bad = await cli('--json', 'models', 'verify', 'side-pack');
    expect(bad.code).toBe(5);
    const res = JSON.parse(bad.stdout) as {
      ok: boolean;
      results: { role: string; ok: boolean; reason?: string }[];
    };
    expect(res.ok).toBe(false);
    expect(res.results.find((r) => r.role === 'text')!.reason).toContain(`got ${sha256(body)}`);

    const rm1 = await cli('models', 'remove', 'side-pack');
    expect(rm1.code).toBe(0);
    expect(existsSync(path.join(userDir, 'side-pack'))).toBe(false);
    expect((await cli('models', 'remove', 'glip-tiny-o365-goldg')).code).toBe(2);
  });

  it('import of a folder with a bad file fails with a model exit code', async () => {
    const { dir: src } = await writeFakePack(scratch, { id: 'side-bad', withSha256: true });
    await writeFile(path.join(src, 'head.onnx'), 'not the same bytes');
    const r = await cli('models', 'import', src);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/error: cannot import "side-bad": .*head\.onnx/);
  });

  describe('with a local server', () => {
    let server: FileServer;
    beforeEach(async () => {
      delete process.env.LABELWRIGHT_OFFLINE;
      server = await startFileServer();
    });
    afterEach(() => server.close());

    it('download fetches a pack into the user folder and prints JSON', async () => {
      const files = {
        backbone: randomBytes(50_000),
        text: randomBytes(20_000),
        head: randomBytes(10_000),
        tokenizer: randomBytes(1000),
      };
      const urls: Record<string, string> = {};
      for (const [role, body] of Object.entries(files)) {
        server.files.set(`/p/${role}`, { body });
        urls[role] = server.url(`/p/${role}`);
      }
      await writeFakePack(userDir, { id: 'served', files, urls, manifestOnly: true });
      const r = await cli('--json', 'models', 'download', 'served');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { status: string; files: { role: string; sha256: string }[] };
      expect(out.status).toBe('installed');
      expect(out.files.find((f) => f.role === 'backbone')!.sha256).toBe(sha256(files.backbone));
    });
  });
});
