/**
 * The SAM adapter end to end on the fixture pack (real ONNX graphs: an encoder that packs a
 * colour map into the embedding, a decoder with the official export's I/O that returns the
 * region of similar colour around the prompt): geometry, negative clicks, boxes, the
 * embedding cache in the inference worker, and bad packs and prompts.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, GraphBuilder } from '../../../tools/fixtures/onnx/builder';
import { DataType } from '../runtime/onnx-proto';
import { rleFromBbox, rleIou, rleMerge } from '../../shared/masks';
import { caught } from '../../testing/expect-lw-error';
import { BLUE, plantedImage, RED } from '../../testing/planted-images';
import { createEngine, type LocalEngine } from '../engine';
import { createWorkerEngine } from '../worker/worker-engine';

const FIXTURES = resolve(import.meta.dirname, '../../../models/fixtures');
const WHITE = { r: 255, g: 255, b: 255 };
const GREEN = { r: 0, g: 200, b: 0 };

let engine: LocalEngine;
let tmp: string;
beforeAll(async () => {
  engine = await createEngine({ pack: 'sam-fixture' });
  tmp = await mkdtemp(join(tmpdir(), 'lw-sam-'));
});
afterAll(async () => {
  await engine?.close();
  await rm(tmp, { recursive: true, force: true });
});

const boxIou = (rle: Parameters<typeof rleIou>[0], box: number[], W: number, H: number) => rleIou(rle, rleFromBbox(box, H, W));

describe('SAM fixture geometry', () => {
  // [image w, h, square x, y, side]
  const cases: [number, number, number, number, number][] = [
    [640, 480, 100, 150, 128], // landscape
    [480, 853, 40, 650, 140], // portrait, near the bottom
    [1500, 400, 1300, 200, 180], // wide, touching the bottom edge
    [150, 100, 40, 10, 50], // upscaled ×6.8
    [2000, 1500, 700, 300, 400], // downscaled ×0.512
    [333, 517, 205, 389, 128], // odd sizes, bottom-right corner
  ];
  for (const [W, H, x, y, s] of cases) {
    it(`a click in a ${s}-pixel red square at (${x}, ${y}) of ${W}×${H} gives that square`, async () => {
      const img = await plantedImage(W, H, [
        { x, y, w: s, h: s, colour: RED },
        { x: x < W / 2 ? W - 30 : 0, y: 0, w: 30, h: 30, colour: GREEN },
      ], { bg: WHITE });
      const [m] = await engine.segment(img, [{ points: [{ x: x + s / 2, y: y + s / 2, label: 1 }] }]);
      expect(m.rle.size).toEqual([H, W]);
      expect(boxIou(m.rle, [x, y, s, s], W, H)).toBeGreaterThanOrEqual(0.95);
      expect(m.area).toBeGreaterThan(0.9 * s * s);
      // One click + the padding point: the best of masks 1–3 by predicted IoU (the fixture's 0.97).
      expect(m.score).toBeCloseTo(0.97, 5);
    });
  }

  it('a negative click inside a second square of the same colour removes it', async () => {
    const W = 800;
    const H = 500;
    const a = [100, 100, 150, 150];
    const b = [500, 200, 150, 150];
    const img = await plantedImage(W, H, [a, b].map(([x, y, w, h]) => ({ x, y, w, h, colour: RED })), { bg: WHITE });
    const [first] = await engine.segment(img, [{ points: [{ x: 175, y: 175, label: 1 }] }]);
    // The fixture's "similar colour" reaches both squares until a negative point claims one.
    expect(rleIou(first.rle, rleMerge([rleFromBbox(a, H, W), rleFromBbox(b, H, W)]))).toBeGreaterThanOrEqual(0.95);
    const [second] = await engine.segment(img, [
      {
        points: [
          { x: 175, y: 175, label: 1 },
          { x: 575, y: 275, label: 0 },
        ],
        previous: first.maskId,
      },
    ]);
    expect(boxIou(second.rle, a, W, H)).toBeGreaterThanOrEqual(0.95);
    expect(boxIou(second.rle, b, W, H)).toBe(0);
    // Three points (two clicks + padding): mask 0, the fixture's 0.90.
    expect(second.score).toBeCloseTo(0.9, 5);
  });

  it('a box prompt gives the region inside it, not the same colour elsewhere', async () => {
    const W = 900;
    const H = 600;
    const img = await plantedImage(W, H, [
      { x: 80, y: 90, w: 200, h: 120, colour: BLUE },
      { x: 500, y: 300, w: 200, h: 200, colour: BLUE },
    ], { bg: WHITE });
    const [m, n] = await engine.segment(img, [{ points: [], box: [70, 80, 220, 140] }, { points: [], box: [505, 305, 190, 190] }]);
    expect(boxIou(m.rle, [80, 90, 200, 120], W, H)).toBeGreaterThanOrEqual(0.95);
    // A box a little inside the square still gives the whole square (the mask is not cut to the box).
    expect(boxIou(n.rle, [500, 300, 200, 200], W, H)).toBeGreaterThanOrEqual(0.95);
    // The mask's own box, within a pixel of the square.
    m.bbox.forEach((v, i) => expect(Math.abs(v - [80, 90, 200, 120][i])).toBeLessThanOrEqual(2));
  });
});

describe('embedding cache in the inference worker', () => {
  it('a second click on the same image runs only the decoder; another image runs the encoder again', async () => {
    const w = await createWorkerEngine({ pack: 'sam-fixture' });
    try {
      const one = await plantedImage(400, 300, [{ x: 50, y: 50, w: 100, h: 100, colour: RED }], { bg: WHITE });
      const two = await plantedImage(400, 300, [{ x: 200, y: 100, w: 100, h: 100, colour: RED }], { bg: WHITE });
      const [a] = await w.segment(one, [{ points: [{ x: 100, y: 100, label: 1 }] }]);
      expect([a.encoderRuns, a.embeddingCached]).toEqual([1, false]);
      const [b] = await w.segment(one, [{ points: [{ x: 120, y: 90, label: 1 }] }]);
      expect([b.encoderRuns, b.embeddingCached]).toEqual([1, true]);
      expect(boxIou(b.rle, [50, 50, 100, 100], 400, 300)).toBeGreaterThanOrEqual(0.95);
      const [c] = await w.segment(two, [{ points: [{ x: 250, y: 150, label: 1 }] }]);
      expect([c.encoderRuns, c.embeddingCached]).toEqual([2, false]);
      // Back to the first image: still cached.
      const [d] = await w.segment(one, [{ points: [], box: [40, 40, 120, 120] }]);
      expect([d.encoderRuns, d.embeddingCached]).toEqual([2, true]);
      // A bad click is refused and the worker carries on.
      const err = await caught(w.segment(one, [{ points: [{ x: 401, y: 5, label: 1 }] }]));
      expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'The point (401, 5) is outside the 400×300 image' });
      const unknown = await caught(w.segment(one, [{ points: [{ x: 100, y: 100, label: 1 }], previous: 'nope' }]));
      expect(unknown.message).toContain('previous mask nope is no longer held');
      const [e] = await w.segment(one, [{ points: [{ x: 100, y: 100, label: 1 }] }]);
      expect(e.encoderRuns).toBe(2);
    } finally {
      await w.close();
    }
  });

  it('a SAM pack refuses category runs, and other kinds refuse prompts', async () => {
    const img = await plantedImage(100, 100, [], { bg: WHITE });
    expect((await caught(engine.predict(img, [{ id: 1, name: 'red' }]))).message).toContain('is a SAM pack');
    const glip = await createEngine({ pack: 'glip-fixture' });
    try {
      expect((await caught(glip.segment(img, [{ points: [{ x: 1, y: 1, label: 1 }] }]))).message).toContain('cannot segment from points or boxes');
    } finally {
      await glip.close();
    }
  });
});

describe('bad SAM packs', () => {
  async function packWith(name: string, role: 'encoder' | 'decoder', bytes: Uint8Array): Promise<string> {
    const dir = join(tmp, name);
    await cp(join(FIXTURES, 'sam-fixture'), dir, { recursive: true });
    await writeFile(join(dir, `${role}.onnx`), bytes);
    const m = JSON.parse(await readFile(join(dir, 'pack.json'), 'utf8'));
    m.id = name;
    delete m.files[role].sha256;
    delete m.files[role].bytes;
    await writeFile(join(dir, 'pack.json'), JSON.stringify(m));
    return dir;
  }

  it('an encoder whose embedding is not [1,256,64,64] is a clear error at the first image', async () => {
    const g = new GraphBuilder('small_encoder');
    const x = g.input('image', DataType.FLOAT, [1, 3, 1024, 1024]);
    const pooled = g.op('AveragePool', [x], { kernel_shape: attr.ints([32, 32]), strides: attr.ints([32, 32]) }); // [1,3,32,32]
    g.output('image_embeddings', g.op('Pad', [pooled, g.constI64([0, 0, 0, 0, 0, 253, 0, 0])]), DataType.FLOAT, [1, 256, 32, 32]);
    const e = await createEngine({ pack: await packWith('sam-small-embedding', 'encoder', g.toBytes()) });
    try {
      const img = await plantedImage(100, 80, [], { bg: WHITE });
      const err = await caught(e.segment(img, [{ points: [{ x: 10, y: 10, label: 1 }] }]));
      expect(err.code).toBe('INFERENCE_FAILED');
      expect(err.message).toMatch(/encoder\.onnx: image_embeddings came back as \[1,256,32,32\]; the SAM decoder takes \[1,256,64,64\]/);
      expect(err.hint).toContain('re-export both from the same checkpoint');
    } finally {
      await e.close();
    }
  });

  it('a decoder without orig_im_size is refused at load, naming the file and the input', async () => {
    const g = new GraphBuilder('no_orig_size');
    const emb = g.input('image_embeddings', DataType.FLOAT, [1, 256, 64, 64]);
    g.input('point_coords', DataType.FLOAT, [1, 'N', 2]);
    g.input('point_labels', DataType.FLOAT, [1, 'N']);
    const mi = g.input('mask_input', DataType.FLOAT, [1, 1, 256, 256]);
    g.input('has_mask_input', DataType.FLOAT, [1]);
    g.output('masks', g.op('Identity', [mi]), DataType.FLOAT, [1, 1, 256, 256]);
    g.output('iou_predictions', g.op('ReduceMean', [emb], { axes: attr.ints([1, 2, 3]), keepdims: attr.int(0) }), DataType.FLOAT, [1]);
    g.output('low_res_masks', g.op('Identity', [mi]), DataType.FLOAT, [1, 1, 256, 256]);
    const err = await caught(createEngine({ pack: await packWith('sam-no-orig-size', 'decoder', g.toBytes()) }));
    expect(err.code).toBe('MODEL_LOAD_FAILED');
    expect(err.message).toMatch(/decoder\.onnx: has no input 'orig_im_size'/);
  });
});
