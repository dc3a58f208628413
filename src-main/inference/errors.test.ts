/** Bad input: each case is a clear LwError and the process (and a loaded engine) carries on. */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, GraphBuilder } from '../../tools/fixtures/onnx/builder';
import { DataType } from './runtime/onnx-proto';
import { createEngine } from './engine';
import { plantedImage, pngHeaderClaiming, RED } from '../testing/planted-images';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'models/fixtures');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'lw-inference-errors-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A copy of a fixture pack whose manifest has no hash/size for `role` (so the graph itself is what fails). */
async function copyPack(id: string, name: string, unpinned: string[] = []): Promise<string> {
  const dir = join(tmp, name);
  await cp(join(FIXTURES, id), dir, { recursive: true });
  const m = JSON.parse(await readFile(join(dir, 'pack.json'), 'utf8'));
  m.id = name;
  for (const r of unpinned) {
    delete m.files[r].sha256;
    delete m.files[r].bytes;
  }
  await writeFile(join(dir, 'pack.json'), JSON.stringify(m));
  return dir;
}

/** A 5-output backbone look-alike with a chosen input name and dims. */
function fakeBackbone(inputName: string, dims: (number | string)[]): Uint8Array {
  const g = new GraphBuilder('fake');
  const x = g.input(inputName, DataType.FLOAT, dims);
  const rank4 = dims.length === 4 ? x : g.op('Unsqueeze', [x, g.constI64([0])]);
  for (let i = 0; i < 5; i++) g.output(`p${i}`, g.op('Identity', [rank4]), DataType.FLOAT, [1, 3, 'h', 'w']);
  return g.toBytes();
}

describe('bad model packs', () => {
  it('a missing file names the file and the pack', async () => {
    const dir = await copyPack('glip-fixture', 'missing-head');
    await unlink(join(dir, 'head.onnx'));
    await expect(createEngine({ pack: dir })).rejects.toMatchObject({ code: 'MODEL_PACK_MISSING', message: expect.stringContaining('head.onnx') });
  });

  it('a truncated graph is caught by its manifest size', async () => {
    const dir = await copyPack('glip-fixture', 'truncated-pinned');
    await truncate(join(dir, 'head.onnx'), 1000);
    await expect(createEngine({ pack: dir })).rejects.toMatchObject({ message: expect.stringMatching(/head\.onnx.*1000 bytes/) });
  });

  it('a truncated graph without a manifest size is reported as not valid ONNX, naming the file', async () => {
    const dir = await copyPack('glip-fixture', 'truncated', ['head']);
    await truncate(join(dir, 'head.onnx'), 1000);
    const err = await createEngine({ pack: dir }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_LOAD_FAILED', message: expect.stringContaining('head.onnx') });
    expect((err as Error).message).toMatch(/not a valid ONNX model/);
  });

  it('a file that is not ONNX at all', async () => {
    const dir = await copyPack('groupvit-fixture', 'not-onnx', ['text']);
    await writeFile(join(dir, 'text.onnx'), 'this is a text file, not a model\n');
    await expect(createEngine({ pack: dir })).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(/text\.onnx.*not a valid ONNX model/),
    });
  });

  it('a graph with the wrong input name: names file, tensor and expectation', async () => {
    const dir = await copyPack('glip-fixture', 'wrong-name', ['backbone']);
    await writeFile(join(dir, 'backbone.onnx'), fakeBackbone('pixel_values', [1, 3, 'h', 'w']));
    const err = (await createEngine({ pack: dir }).catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe('MODEL_LOAD_FAILED');
    expect(err.message).toContain('backbone.onnx');
    expect(err.message).toContain("no input 'images'");
    expect(err.message).toContain('pixel_values');
  });

  it('a graph with the wrong input rank', async () => {
    const dir = await copyPack('glip-fixture', 'wrong-rank', ['backbone']);
    await writeFile(join(dir, 'backbone.onnx'), fakeBackbone('images', [3, 'h', 'w']));
    await expect(createEngine({ pack: dir })).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(/backbone\.onnx: input 'images' has rank 3 .*expected rank 4/),
    });
  });

  it('a graph with the wrong dtype (GroupViT text ids as float)', async () => {
    const dir = await copyPack('groupvit-fixture', 'wrong-dtype', ['text']);
    const g = new GraphBuilder('fake');
    const x = g.input('input_ids', DataType.FLOAT, ['n', 1, 77]);
    g.output('emb', g.op('ReduceSum', [x, g.constI64([1])], { keepdims: attr.int(0) }), DataType.FLOAT, ['n', 77]);
    await writeFile(join(dir, 'text.onnx'), g.toBytes());
    await expect(createEngine({ pack: dir })).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(/text\.onnx: input 'input_ids' has dtype float32; expected int64/),
    });
  });

  it('LABELWRIGHT_EP=cuda without the CUDA provider fails clearly; =cpu forces the CPU', async () => {
    const old = process.env.LABELWRIGHT_EP;
    try {
      process.env.LABELWRIGHT_EP = 'cuda';
      const dir = await copyPack('glip-fixture', 'forced-cuda');
      if (!process.env.CUDA_AVAILABLE)
        await expect(createEngine({ pack: dir })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED', message: expect.stringContaining('CUDA') });
      process.env.LABELWRIGHT_EP = 'cpu';
      const e = await createEngine({ pack: await copyPack('glip-fixture', 'forced-cpu') });
      expect(e.info).toMatchObject({ ep: 'cpu', epForced: true });
      await e.close();
    } finally {
      if (old === undefined) delete process.env.LABELWRIGHT_EP;
      else process.env.LABELWRIGHT_EP = old;
    }
  });
});

describe('bad images and arguments, then the engine still works', () => {
  it('each error is typed; the same engine predicts afterwards', async () => {
    const e = await createEngine({ pack: join(FIXTURES, 'glip-fixture') });
    try {
      const junk = join(tmp, 'junk.jpg');
      await writeFile(junk, 'GIF89a but not really');
      await expect(e.predict(junk, [{ id: 1, name: 'red' }])).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', message: expect.stringContaining(junk) });
      await expect(e.predict(pngHeaderClaiming(30000, 30000), [{ id: 1, name: 'red' }])).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
      const ok = await plantedImage(320, 240, [{ x: 10, y: 10, w: 128, h: 128, colour: RED }]);
      await expect(e.predict(ok, [])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(e.predict(ok, [{ id: 0, name: 'red' }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect((await e.predict(ok, [{ id: 1, name: 'red' }])).detections).toHaveLength(1);
    } finally {
      await e.close();
    }
  });
});

describe('labelwright predict (CLI, child process)', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin/labelwright.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, LABELWRIGHT_EP: '' } });

  it('runs a fixture pack end to end with --json and --out, in the worker', async () => {
    const img = join(tmp, 'cli.png');
    await writeFile(img, await plantedImage(500, 400, [{ x: 200, y: 100, w: 128, h: 128, colour: RED }]));
    const out = join(tmp, 'overlay.png');
    const r = cli('--json', 'predict', 'glip-fixture', img, '--categories', 'red,blue', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.ep).toBe('cpu');
    expect(json.detections).toHaveLength(1);
    expect(json.detections[0].categoryId).toBe(1);
    expect((await readFile(out)).subarray(1, 4).toString()).toBe('PNG');
    const human = cli('predict', join(FIXTURES, 'groupvit-fixture'), img, '--categories', 'red,grey');
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/ran on CPU/);
    expect(human.stdout).toMatch(/2 masks/);
  });

  it('bad input exits non-zero with one clear line', async () => {
    const bad = join(tmp, 'bad.png');
    await writeFile(bad, 'nope');
    const r = cli('predict', 'glip-fixture', bad, '--categories', 'red');
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^error: .*bad\.png could not be decoded/m);
    const empty = cli('predict', 'glip-fixture', bad, '--categories', ' , ');
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/No categories/);
    const nopack = cli('predict', 'no-such-pack', bad, '--categories', 'red');
    expect(nopack.status).toBe(5);
    expect(nopack.stderr).toMatch(/no-such-pack/);
  });
});
