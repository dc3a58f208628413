/**
 * The Pix2seq adapter end to end on the fixture pack (real ONNX graphs that write the boxes of
 * coloured regions as tokens): geometry, decoding modes, suggestions, and bad packs.
 */
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../tools/fixtures/onnx/builder';
import { DataType } from '../runtime/onnx-proto';
import { createEngine, type LocalEngine } from '../engine';
import { BLUE, iouXywh, plantedImage, RED } from '../../testing/planted-images';
import { createWorkerEngine } from '../worker/worker-engine';

const FIXTURES = resolve(import.meta.dirname, '../../../models/fixtures');
const GREEN = { r: 0, g: 200, b: 0 };
const cats = [
  { id: 1, name: 'red' },
  { id: 2, name: 'green' },
  { id: 3, name: 'blue' },
];

let engine: LocalEngine;
let tmp: string;
beforeAll(async () => {
  engine = await createEngine({ pack: 'pix2seq-fixture' });
  tmp = await mkdtemp(join(tmpdir(), 'lw-pix2seq-'));
});
afterAll(async () => {
  await engine?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('Pix2seq fixture geometry', () => {
  // [image w, h, square x, y, w, h]
  const cases: [number, number, number, number, number, number][] = [
    [640, 480, 100, 200, 128, 128], // landscape
    [480, 853, 20, 700, 128, 128], // portrait, near the bottom
    [333, 517, 205, 389, 128, 128], // odd sizes, bottom-right corner
    [1001, 257, 0, 0, 90, 150], // wide, touches the top-left corner, tall box
    [150, 100, 40, 10, 64, 50], // upscaled
    [640, 640, 300, 20, 200, 40], // square image (no padding), flat box
  ];
  for (const [W, H, x, y, w, h] of cases) {
    it(`finds a ${w}×${h} red rectangle at (${x}, ${y}) in ${W}×${H}`, async () => {
      const img = await plantedImage(W, H, [{ x, y, w, h, colour: RED }]);
      const r = await engine.predict(img, cats);
      expect(r.kind).toBe('pix2seq');
      expect([r.width, r.height]).toEqual([W, H]);
      expect(r.detections).toHaveLength(1);
      const d = r.detections[0];
      expect(d.categoryId).toBe(1);
      expect(d.phrase).toBe('red');
      expect(d.score).toBeGreaterThan(0.5);
      expect(iouXywh(d.bbox, [x, y, w, h])).toBeGreaterThanOrEqual(0.9);
      expect(r.masks).toEqual([]);
    });
  }

  it('finds each colour as its own category, and counts classes no category asked for', async () => {
    const img = await plantedImage(800, 600, [
      { x: 50, y: 60, w: 128, h: 128, colour: RED },
      { x: 300, y: 100, w: 100, h: 200, colour: GREEN },
      { x: 500, y: 300, w: 200, h: 120, colour: BLUE },
    ]);
    const all = await engine.predict(img, cats);
    const box = (id: number) => all.detections.find((d) => d.categoryId === id)!.bbox;
    expect(iouXywh(box(1), [50, 60, 128, 128])).toBeGreaterThanOrEqual(0.9);
    expect(iouXywh(box(2), [300, 100, 100, 200])).toBeGreaterThanOrEqual(0.9);
    expect(iouXywh(box(3), [500, 300, 200, 120])).toBeGreaterThanOrEqual(0.9);
    expect(all.unmatched).toBeUndefined();

    // By prompt text, case-insensitively; green and blue were found but not asked for.
    const some = await engine.predict(img, [{ id: 9, name: 'tomato', prompt: 'RED' }]);
    expect(some.detections.map((d) => d.categoryId)).toEqual([9]);
    expect(some.unmatched).toEqual({ green: 1, blue: 1 });
  });

  it('greedy and nucleus decoding agree on the fixture; a seed or the image content fixes the draws', async () => {
    const img = await plantedImage(500, 300, [{ x: 120, y: 80, w: 100, h: 90, colour: RED }]);
    const nucleus = await engine.predict(img, cats);
    const again = await engine.predict(img, cats);
    const greedy = await engine.predict(img, cats, { decoding: 'greedy' });
    const seeded = await engine.predict(img, cats, { seed: 7 });
    expect(again.detections).toEqual(nucleus.detections);
    expect(greedy.detections).toEqual(nucleus.detections);
    expect(seeded.detections).toEqual(nucleus.detections);
  });

  it('the same results through the inference worker', async () => {
    const img = await plantedImage(333, 517, [{ x: 205, y: 389, w: 128, h: 128, colour: RED }]);
    const worker = await createWorkerEngine({ pack: 'pix2seq-fixture' });
    try {
      expect(worker.info.kind).toBe('pix2seq');
      const r = await worker.predict(img, cats);
      expect(r.detections).toEqual((await engine.predict(img, cats)).detections);
    } finally {
      await worker.close();
    }
  });
});

describe('class suggestions for a drawn box', () => {
  it('ranks red first for a box around a red square, blue for one around the blue square', async () => {
    const img = await plantedImage(640, 480, [
      { x: 100, y: 200, w: 128, h: 128, colour: RED },
      { x: 400, y: 50, w: 150, h: 100, colour: BLUE },
    ]);
    // Drawn loosely, a few pixels off each edge.
    const red = await engine.suggest(img, [96, 203, 135, 122], cats);
    expect(red.map((s) => s.name).sort()).toEqual(['blue', 'green', 'red']);
    expect(red[0].name).toBe('red');
    expect(red[0].probability).toBeGreaterThan(0.5);
    expect(red[0].probability).toBeGreaterThan(red[1].probability);
    const blue = await engine.suggest(img, [402, 47, 146, 105], cats);
    expect(blue[0]).toMatchObject({ categoryId: 3, name: 'blue' });
    // No categories: every class of labels.json, by class id.
    const any = await engine.suggest(img, [96, 203, 135, 122], []);
    expect(any).toHaveLength(3);
    expect(any[0]).toMatchObject({ categoryId: 1, name: 'red' });
  });

  it('refuses a box without area and categories that name no class', async () => {
    const img = await plantedImage(100, 100, [{ x: 10, y: 10, w: 30, h: 30, colour: RED }]);
    await expect(engine.suggest(img, [10, 10, 0, 5], cats)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.suggest(img, [10, 10, 30, 30], [{ id: 1, name: 'cat' }])).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('names a class'),
    });
  });
});

/** A copy of the fixture pack; `edit` changes its manifest (hashes of edited roles are dropped). */
async function copyPack(name: string, edit: (m: { params: Record<string, unknown>; files: Record<string, { path: string; sha256?: string; bytes?: number }> }) => void = () => {}): Promise<string> {
  const dir = join(tmp, name);
  await cp(join(FIXTURES, 'pix2seq-fixture'), dir, { recursive: true });
  const m = JSON.parse(await readFile(join(dir, 'pack.json'), 'utf8'));
  m.id = name;
  edit(m);
  await writeFile(join(dir, 'pack.json'), JSON.stringify(m));
  return dir;
}

/** A decoder look-alike with chosen tensor names; its vocabulary is memory's last dimension (8 with the fixture encoder). */
function fakeDecoder(names: { tokens: string; logits: string }, V: number | string): Uint8Array {
  const g = new GraphBuilder('fake_decoder');
  const t = g.input(names.tokens, DataType.INT64, [1, 'L']);
  const memory = g.input('memory', DataType.FLOAT, [1, 3, typeof V === 'number' ? V : 'D']);
  const f = g.op('Cast', [t], { to: { kind: 'int', v: DataType.FLOAT } });
  const perVocab = g.op('ReduceSum', [memory, g.constI64([1])], { keepdims: { kind: 'int', v: 1 } }); // [1,1,V]
  g.output(names.logits, g.mul(g.op('Unsqueeze', [f, g.constI64([2])]), perVocab), DataType.FLOAT, [1, 'L', V]);
  return g.toBytes();
}

async function withDecoder(name: string, bytes: Uint8Array, params: Record<string, unknown> = {}): Promise<string> {
  const dir = await copyPack(name, (m) => {
    delete m.files.decoder.sha256;
    delete m.files.decoder.bytes;
    Object.assign(m.params, params);
  });
  await writeFile(join(dir, 'decoder.onnx'), bytes);
  return dir;
}

describe('bad Pix2seq packs and images', () => {
  it('a vocabulary that disagrees with params.vocabSize names the tensor and both sizes', async () => {
    const dir = await copyPack('vocab', (m) => (m.params.vocabSize = 2500));
    await expect(createEngine({ pack: dir })).rejects.toMatchObject({
      code: 'MODEL_LOAD_FAILED',
      message: expect.stringMatching(/decoder\.onnx: output 'logits' has a vocabulary of 3000; pack.json params.vocabSize is 2500/),
    });
  });

  it('a dynamic vocabulary that turns out wrong at run time names the tensor', async () => {
    const dir = await withDecoder('dynamic-vocab', fakeDecoder({ tokens: 'tokens', logits: 'logits' }, 'V'));
    const e = await createEngine({ pack: dir });
    try {
      const img = await plantedImage(64, 64, []);
      await expect(e.predict(img, cats)).rejects.toMatchObject({
        code: 'INFERENCE_FAILED',
        message: expect.stringMatching(/decoder\.onnx: output 'logits' came back as \[1,1,8\], expected \[1,1,3000\]/),
      });
    } finally {
      await e.close();
    }
  });

  it('wrong tensor names are named, input and output', async () => {
    const badIn = await withDecoder('bad-input', fakeDecoder({ tokens: 'input_ids', logits: 'logits' }, 3000));
    await expect(createEngine({ pack: badIn })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED', message: expect.stringMatching(/decoder\.onnx: has no input 'tokens'/) });
    const badOut = await withDecoder('bad-output', fakeDecoder({ tokens: 'tokens', logits: 'scores' }, 3000));
    await expect(createEngine({ pack: badOut })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED', message: expect.stringMatching(/decoder\.onnx: output 'scores' should be named 'logits'/) });
  });

  it('a missing or malformed labels.json names the file', async () => {
    const missing = await copyPack('no-labels');
    await unlink(join(missing, 'labels.json'));
    await expect(createEngine({ pack: missing })).rejects.toMatchObject({ code: 'MODEL_PACK_MISSING', message: expect.stringContaining('labels.json') });
    const bad = await copyPack('bad-labels', (m) => {
      delete m.files.labels.sha256;
      delete m.files.labels.bytes;
    });
    await writeFile(join(bad, 'labels.json'), '{"one": "red"}');
    await expect(createEngine({ pack: bad })).rejects.toMatchObject({ code: 'MODEL_PACK_INVALID', message: expect.stringMatching(/labels\.json: key "one" is not a class id/) });
  });

  it('an image that fails to decode names the file, and the engine goes on', async () => {
    const broken = join(tmp, 'broken.png');
    await writeFile(broken, Buffer.from('not a png at all'));
    await expect(engine.predict(broken, cats)).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', message: expect.stringContaining('broken.png') });
    const r = await engine.predict(await plantedImage(200, 200, [{ x: 10, y: 10, w: 60, h: 60, colour: RED }]), cats);
    expect(r.detections).toHaveLength(1);
  });
});
