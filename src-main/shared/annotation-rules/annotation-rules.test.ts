import { describe, expect, it } from 'vitest';
import type { Annotation, Rle } from '../contract';
import { LwError } from '../errors';
import { decodeRle, encodeMask, rleArea, rleBbox } from '../masks';
import { applyPatch, clipBox, createGeometry, maskFollowingBox, roundBox, roundCoord } from '.';

const W = 20;
const H = 10;
const image = { width: W, height: H };

/** A W×H mask with the pixels of the rectangle [x, y, w, h] set. */
function rect(x: number, y: number, w: number, h: number): Rle {
  const data = new Uint8Array(W * H);
  for (let r = y; r < y + h; r++) for (let c = x; c < x + w; c++) data[r * W + c] = 1;
  return encodeMask({ width: W, height: H, data });
}

function pixels(rle: Rle): string[] {
  const m = decodeRle(rle);
  const rows: string[] = [];
  for (let r = 0; r < m.height; r++) rows.push(Array.from(m.data.subarray(r * m.width, (r + 1) * m.width), (v) => (v ? '#' : '.')).join(''));
  return rows;
}

function annotation(over: Partial<Annotation>): Annotation {
  return {
    id: 7,
    imageId: 1,
    categoryId: 1,
    bbox: [2, 3, 4, 2],
    rle: rect(2, 3, 4, 2),
    area: 8,
    source: 'model',
    state: 'pending',
    predictionId: 3,
    score: 0.9,
    ...over,
  } as Annotation;
}

describe('coordinates', () => {
  it('rounds to 1/100 px without float noise or negative zero', () => {
    expect(roundCoord(129.89999999999998)).toBe(129.9);
    expect(roundCoord(0.005)).toBe(0.01);
    expect(roundCoord(-0.004)).toBe(0);
    expect(Object.is(roundCoord(-0.004), -0)).toBe(false);
    expect(roundBox([0.1 + 0.2, 1 / 3, 2.675, 10])).toEqual([0.3, 0.33, 2.68, 10]);
  });

  it('clips a box at the image border so that its far edge lands exactly on it', () => {
    expect(clipBox([-5, 2.333333, 10, 100], W, H)).toEqual([0, 2.33, 5, 7.67]);
    expect(() => clipBox([30, 2, 5, 5], W, H)).toThrow(/outside the 20×10 image/);
  });
});

describe('a mask follows its box', () => {
  it('moves by whole pixels and clips at the border; the box follows the clipped mask', () => {
    const moved = maskFollowingBox(rect(2, 3, 4, 2), [2, 3, 4, 2], [16.4, 4.2, 4, 2]);
    // Offset (14, 1): columns 16..19 remain, 20 and 21 fall off the image.
    expect(moved.bbox).toEqual([16, 4, 4, 2]);
    expect(moved.area).toBe(8);
    expect(pixels(moved.rle)[4]).toBe('................####');
  });

  it('resizes by nearest neighbour into the new box', () => {
    // An L shape in a 2×2 box, doubled to 4×4.
    const data = new Uint8Array(W * H);
    data[0 * W + 0] = 1;
    data[1 * W + 0] = 1;
    data[1 * W + 1] = 1;
    const l = encodeMask({ width: W, height: H, data });
    const big = maskFollowingBox(l, [0, 0, 2, 2], [0, 0, 4, 4]);
    expect(pixels(big.rle).slice(0, 4)).toEqual(['##..................', '##..................', '####................', '####................']);
    expect(big.bbox).toEqual([0, 0, 4, 4]);
    expect(big.area).toBe(12);
  });
});

describe('applyPatch', () => {
  it('moving a masked prediction moves its mask, accepts it and marks it model-edited', () => {
    const next = applyPatch(annotation({}), { bbox: [5, 1, 4, 2] }, image);
    expect(next.bbox).toEqual([5, 1, 4, 2]);
    expect(rleBbox(next.rle!)).toEqual([5, 1, 4, 2]);
    expect(next.area).toBe(8);
    expect(next.source).toBe('model-edited');
    expect(next.state).toBe('accepted');
  });

  it('a masked box dragged partly off the image moves its mask and clips it, without squashing it', () => {
    // rect(2, 3, 4, 2) dragged 4 px past the left border: columns -2..1 → only 0 and 1 remain.
    const next = applyPatch(annotation({}), { bbox: [-2, 3, 4, 2] }, image);
    expect(pixels(next.rle!).slice(3, 5)).toEqual(['##..................', '##..................']);
    expect(next.bbox).toEqual([0, 3, 2, 2]);
    expect(next.area).toBe(4);
    // Wholly off the image: refused, naming the annotation.
    expect(() => applyPatch(annotation({}), { bbox: [-10, 3, 4, 2] }, image)).toThrow(/annotation 7: the box \[-10, 3, 4, 2\] leaves no pixel/);
  });

  it('a new mask brings its box and area; a contradicting explicit box is refused, naming the annotation', () => {
    const next = applyPatch(annotation({ rle: null, area: 8, source: 'human', state: 'accepted' }), { rle: rect(10, 1, 3, 3) }, image);
    expect(next.bbox).toEqual([10, 1, 3, 3]);
    expect(next.area).toBe(9);
    expect(next.source).toBe('human');
    let err: unknown;
    try {
      applyPatch(annotation({}), { rle: rect(10, 1, 3, 3), bbox: [0, 0, 3, 3] }, image);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LwError);
    expect((err as LwError).message).toMatch(/annotation 7: bbox \[0, 0, 3, 3\] contradicts its mask, whose box is \[10, 1, 3, 3\]/);
  });

  it('a patch that names source and state (undo) keeps them; accept/reject alone is not an edit', () => {
    const a = annotation({});
    expect(applyPatch(a, { bbox: [5, 1, 4, 2], source: 'model', state: 'pending' }, image)).toMatchObject({ source: 'model', state: 'pending' });
    expect(applyPatch(a, { state: 'rejected' }, image)).toMatchObject({ source: 'model', state: 'rejected', bbox: a.bbox });
  });

  it('create: a mask brings its box, a plain box is clipped and rounded', () => {
    expect(createGeometry({ bbox: [1.004, 1, 50, 2.3333], rle: null }, image)).toEqual({ bbox: [1, 1, 19, 2.33], rle: null, area: 44.27 });
    const g = createGeometry({ bbox: [10, 1, 3, 3], rle: rect(10, 1, 3, 3) }, image);
    expect(g.area).toBe(rleArea(rect(10, 1, 3, 3)));
  });
});
