import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { decodeRle } from '../shared/masks';
import { createEngine, type LocalEngine } from './engine';
import { BLUE, GREY, iouXywh, plantedImage, RED } from '../testing/planted-images';
import { createWorkerEngine } from './worker/worker-engine';

const FIXTURES = resolve(import.meta.dirname, '../../models/fixtures');
const cats = [
  { id: 1, name: 'red' },
  { id: 2, name: 'blue' },
];

let glip: LocalEngine;
let groupvit: LocalEngine;
beforeAll(async () => {
  glip = await createEngine({ pack: resolve(FIXTURES, 'glip-fixture') });
  groupvit = await createEngine({ pack: 'groupvit-fixture' });
});
afterAll(async () => {
  await glip?.close();
  await groupvit?.close();
});

describe('GLIP fixture geometry', () => {
  const cases: [number, number, number, number, 'png' | 'jpeg'][] = [
    [640, 480, 100, 200, 'png'],
    [1000, 701, 871, 0, 'png'], // touches the right and top edges; height not a multiple of 32
    [480, 853, 20, 700, 'png'], // portrait
    [333, 517, 205, 389, 'png'], // odd sizes, bottom-right corner
    [200, 150, 40, 10, 'png'], // upscaled ×5.3
    [1920, 1080, 900, 500, 'jpeg'],
  ];
  for (const [w, h, x, y, format] of cases) {
    it(`finds a 128×128 red square at (${x}, ${y}) in ${w}×${h} ${format}`, async () => {
      const img = await plantedImage(w, h, [{ x, y, w: 128, h: 128, colour: RED }], { format });
      const r = await glip.predict(img, cats);
      expect(r.width).toBe(w);
      expect(r.height).toBe(h);
      expect(r.detections.length).toBeGreaterThan(0);
      const top = r.detections[0];
      expect(top.categoryId).toBe(1);
      expect(top.phrase).toBe('red');
      expect(iouXywh(top.bbox, [x, y, 128, 128])).toBeGreaterThanOrEqual(0.9);
      expect(r.detections.every((d) => d.categoryId === 1)).toBe(true);
      expect(r.ep).toBe('cpu');
    });
  }

  it('finds red and blue objects, each with its own category', async () => {
    const img = await plantedImage(800, 600, [
      { x: 50, y: 60, w: 128, h: 128, colour: RED },
      { x: 500, y: 300, w: 200, h: 120, colour: BLUE },
    ]);
    const r = await glip.predict(img, cats);
    const red = r.detections.find((d) => d.categoryId === 1)!;
    const blue = r.detections.find((d) => d.categoryId === 2)!;
    expect(iouXywh(red.bbox, [50, 60, 128, 128])).toBeGreaterThan(0.9);
    expect(iouXywh(blue.bbox, [500, 300, 200, 120])).toBeGreaterThan(0.9);
  });

  it('detects nothing without a matching colour (a normal, empty result)', async () => {
    const img = await plantedImage(640, 480, [{ x: 100, y: 100, w: 128, h: 128, colour: { r: 0, g: 200, b: 0 } }]);
    const r = await glip.predict(img, cats);
    expect(r.detections).toEqual([]);
  });

  it('never reports a category that is not in the prompt', async () => {
    const img = await plantedImage(640, 480, [
      { x: 100, y: 100, w: 128, h: 128, colour: RED },
      { x: 300, y: 100, w: 128, h: 128, colour: BLUE },
    ]);
    const r = await glip.predict(img, [{ id: 7, name: 'blue' }]);
    expect(r.detections.length).toBeGreaterThan(0);
    expect(r.detections.every((d) => d.categoryId === 7)).toBe(true);
    expect(iouXywh(r.detections[0].bbox, [300, 100, 128, 128])).toBeGreaterThan(0.9);
  });

  it('uses the prompt text and per-category thresholds', async () => {
    const img = await plantedImage(640, 480, [{ x: 100, y: 100, w: 128, h: 128, colour: RED }]);
    const r = await glip.predict(img, [{ id: 3, name: 'warm', prompt: 'reddish' }]);
    // reddish = red + ##dish (half red): mean token probability ≈ (1 + 0.5) / 2
    expect(r.detections[0].phrase).toBe('reddish');
    expect(r.detections[0].score).toBeGreaterThan(0.8);
    const strict = await glip.predict(img, [{ id: 3, name: 'warm', prompt: 'reddish', threshold: 0.99 }]);
    expect(strict.detections).toEqual([]);
  });

  it('merges chunks of a caption past 256 tokens before NMS', async () => {
    const img = await plantedImage(640, 480, [
      { x: 100, y: 100, w: 128, h: 128, colour: RED },
      { x: 400, y: 200, w: 128, h: 128, colour: BLUE },
    ]);
    const many = Array.from({ length: 150 }, (_, i) => ({ id: i + 1, name: i === 0 ? 'red' : i === 149 ? 'blue' : 'thing' }));
    const r = await glip.predict(img, many);
    expect(r.detections.map((d) => d.categoryId).sort((a, b) => a - b)).toEqual([1, 150]);
  });
});

describe('GroupViT fixture geometry', () => {
  const maskIou = (rle: Parameters<typeof decodeRle>[0], inside: (x: number, y: number) => boolean) => {
    const m = decodeRle(rle);
    let inter = 0;
    let union = 0;
    for (let y = 0; y < m.height; y++)
      for (let x = 0; x < m.width; x++) {
        const a = m.data[y * m.width + x] !== 0;
        const b = inside(x, y);
        if (a && b) inter++;
        if (a || b) union++;
      }
    return inter / union;
  };

  it('the blue mask of a half-blue image has IoU ≥ 0.95 with the blue half', async () => {
    const img = await plantedImage(640, 480, [{ x: 0, y: 0, w: 320, h: 480, colour: BLUE }]);
    const r = await groupvit.predict(img, cats);
    expect(r.masks.map((m) => m.categoryId)).toEqual([2]);
    const blue = r.masks[0];
    expect(blue.rle.size).toEqual([480, 640]);
    expect(maskIou(blue.rle, (x) => x < 320)).toBeGreaterThanOrEqual(0.95);
  });

  it('portrait, bottom half blue, odd size', async () => {
    const img = await plantedImage(301, 555, [{ x: 0, y: 277, w: 301, h: 278, colour: BLUE }]);
    const r = await groupvit.predict(img, [
      { id: 4, name: 'blue' },
      { id: 5, name: 'grey' },
    ]);
    const blue = r.masks.find((m) => m.categoryId === 4)!;
    expect(maskIou(blue.rle, (_x, y) => y >= 277)).toBeGreaterThanOrEqual(0.95);
    const grey = r.masks.find((m) => m.categoryId === 5)!;
    expect(maskIou(grey.rle, (_x, y) => y < 277)).toBeGreaterThanOrEqual(0.95);
  });

  it('never reports a category that is not in the prompt; instances split components', async () => {
    const img = await plantedImage(400, 300, [
      { x: 10, y: 10, w: 80, h: 80, colour: BLUE },
      { x: 200, y: 150, w: 80, h: 80, colour: BLUE },
      { x: 100, y: 200, w: 50, h: 50, colour: RED },
    ]);
    const r = await groupvit.predict(img, [{ id: 9, name: 'blue' }, { id: 10, name: 'green' }], { instances: true });
    expect(r.masks.every((m) => m.categoryId === 9 || m.categoryId === 10)).toBe(true);
    const blue = r.masks.filter((m) => m.categoryId === 9);
    expect(blue.length).toBe(2);
    expect(iouXywh(blue[0].bbox, [10, 10, 80, 80])).toBeGreaterThan(0.9);
  });

  it('background rule: only the image\'s real colour survives when nothing else matches', async () => {
    const img = await plantedImage(200, 200, [], { bg: GREY });
    const r = await groupvit.predict(img, [{ id: 1, name: 'red' }, { id: 2, name: 'grey' }]);
    expect(r.masks.map((m) => m.categoryId)).toEqual([2]);
    expect(r.masks[0].area).toBe(200 * 200);
  });
});

describe('prepare/run pipelining and the worker', () => {
  it('in process: prepare the next image while the current one runs', async () => {
    const imgs = await Promise.all([100, 200, 300].map((x) => plantedImage(640, 480, [{ x, y: 100, w: 128, h: 128, colour: RED }])));
    let next = glip.prepare(imgs[0]);
    const xs: number[] = [];
    for (let i = 0; i < imgs.length; i++) {
      const p = await next;
      if (i + 1 < imgs.length) next = glip.prepare(imgs[i + 1]);
      xs.push(Math.round((await glip.run(p, cats)).detections[0].bbox[0]));
    }
    expect(xs).toEqual([100, 200, 300]);
  });

  it('worker engine: same results off the calling thread, errors come back typed', async () => {
    const w = await createWorkerEngine({ pack: 'glip-fixture' });
    try {
      expect(w.info.kind).toBe('glip');
      expect(w.info.ep).toBe('cpu');
      const a = await plantedImage(640, 480, [{ x: 100, y: 200, w: 128, h: 128, colour: RED }]);
      const b = await plantedImage(640, 480, [{ x: 300, y: 50, w: 128, h: 128, colour: RED }]);
      const ha = await w.prepare(a);
      const [ra, hb] = await Promise.all([w.run(ha, cats), w.prepare(b)]);
      const rb = await w.run(hb, cats);
      expect(iouXywh(ra.detections[0].bbox, [100, 200, 128, 128])).toBeGreaterThan(0.9);
      expect(iouXywh(rb.detections[0].bbox, [300, 50, 128, 128])).toBeGreaterThan(0.9);
      await expect(w.run(ha, cats)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(w.predict(a, [])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(w.predict(Buffer.from('not an image'), cats)).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
      // still alive
      expect((await w.predict(a, cats)).detections).toHaveLength(1);
    } finally {
      await w.close();
    }
  });
});
