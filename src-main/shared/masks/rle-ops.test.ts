import { describe, expect, it } from 'vitest';
import {
  decodeRle,
  encodeCounts,
  encodeMask,
  rleArea,
  rleBbox,
  rleCrop,
  rleFromBbox,
  rleIou,
  rleMerge,
} from './index';
import {
  bits,
  blank,
  ellipses,
  fromAscii,
  pixelArea,
  pixelBbox,
  pixelIou,
  prng,
  randomMask,
} from '../../testing/mask-refs';
import type { BinaryMask } from './types';

/** Random masks of assorted shapes: sparse noise, dense noise, blobs, empty, full. */
function assorted(seed: number, w: number, h: number): BinaryMask[] {
  const rnd = prng(seed);
  const full = blank(w, h);
  full.data.fill(1);
  return [
    blank(w, h),
    full,
    randomMask(w, h, 0.05, rnd),
    randomMask(w, h, 0.5, rnd),
    randomMask(w, h, 0.95, rnd),
    ellipses(w, h, [[rnd() * w, rnd() * h, 1 + rnd() * w * 0.4, 1 + rnd() * h * 0.4]]),
    ellipses(w, h, [
      [rnd() * w, rnd() * h, 1 + rnd() * 5, 1 + rnd() * 5],
      [rnd() * w, rnd() * h, 1 + rnd() * 8, 1 + rnd() * 3],
    ]),
  ];
}

describe('rleArea / rleBbox against the decoded pixels', () => {
  it('agree on assorted masks of odd sizes', () => {
    for (const [w, h] of [
      [1, 1],
      [7, 13],
      [13, 7],
      [40, 33],
    ] as const) {
      for (const m of assorted(w * 31 + h, w, h)) {
        const rle = encodeMask(m);
        expect(rleArea(rle)).toBe(pixelArea(m));
        expect(rleArea(encodeCounts(m))).toBe(pixelArea(m));
        expect(rleBbox(rle)).toEqual(pixelBbox(m));
        expect(rleBbox(encodeCounts(m), h, w)).toEqual(pixelBbox(m));
      }
    }
  });

  it('hand-worked: the 3×3 example', () => {
    // '.#.' / '.##' / '#..' -> counts [2, 3, 2, 1, 1]; ones at (1,0) (1,1) (2,1) (0,2):
    // area 4, box x 0..2, y 0..2. The run of 3 spans columns 0 -> 1, so rleToBbox takes the
    // full height without looking further.
    const rle = { size: [3, 3] as [number, number], counts: [2, 3, 2, 1, 1] };
    expect(rleArea(rle)).toBe(4);
    expect(rleBbox(rle)).toEqual([0, 0, 3, 3]);
    // A single pixel at (2, 1) of a 4-wide, 3-tall image: column-major index 2*3+1 = 7.
    expect(rleBbox({ size: [3, 4], counts: [7, 1, 4] })).toEqual([2, 1, 1, 1]);
  });

  it('empty masks have area 0 and box [0, 0, 0, 0]', () => {
    expect(rleBbox({ size: [3, 4], counts: [12] })).toEqual([0, 0, 0, 0]);
    expect(rleArea({ size: [3, 4], counts: [12] })).toBe(0);
    expect(rleBbox({ size: [0, 0], counts: [0] })).toEqual([0, 0, 0, 0]);
  });
});

describe('rleIou', () => {
  it('matches the pixel IoU on random pairs', () => {
    const rnd = prng(99);
    for (let it = 0; it < 60; it++) {
      const w = 1 + Math.floor(rnd() * 30);
      const h = 1 + Math.floor(rnd() * 30);
      const a = randomMask(w, h, rnd(), rnd);
      const b = randomMask(w, h, rnd(), rnd);
      expect(rleIou(encodeMask(a), encodeMask(b))).toBeCloseTo(pixelIou(a, b), 12);
    }
  });

  it('hand-worked: two overlapping bars', () => {
    // a = columns 0..1 of a 4×4, b = columns 1..2: intersection 4, union 12.
    const a = fromAscii('##..', '##..', '##..', '##..');
    const b = fromAscii('.##.', '.##.', '.##.', '.##.');
    expect(rleIou(encodeMask(a), encodeMask(b))).toBeCloseTo(4 / 12, 15);
    // crowd: intersection over the area of the first argument only.
    expect(rleIou(encodeMask(a), encodeMask(b), true)).toBeCloseTo(4 / 8, 15);
  });

  it('is 0 for disjoint or empty masks, 1 for identical ones', () => {
    const e = encodeMask(blank(5, 5));
    expect(rleIou(e, e)).toBe(0);
    const m = encodeMask(fromAscii('#..', '.#.', '..#'));
    expect(rleIou(m, m)).toBe(1);
    expect(rleIou(m, encodeMask(fromAscii('.##', '#.#', '##.')))).toBe(0);
  });

  it('rejects masks of different sizes', () => {
    expect(() => rleIou(encodeMask(blank(3, 4)), encodeMask(blank(4, 3)))).toThrow(
      /sizes differ: 4×3 vs 3×4/,
    );
  });
});

describe('rleMerge', () => {
  it('union and intersection match pixel-wise OR / AND', () => {
    const rnd = prng(3);
    for (let it = 0; it < 40; it++) {
      const w = 1 + Math.floor(rnd() * 25);
      const h = 1 + Math.floor(rnd() * 25);
      const ms = [randomMask(w, h, rnd(), rnd), randomMask(w, h, rnd(), rnd), randomMask(w, h, rnd(), rnd)];
      const rles = ms.map(encodeMask);
      const or = bits(ms[0]).map((_, i) => (ms.some((m) => m.data[i]) ? 1 : 0));
      const and = bits(ms[0]).map((_, i) => (ms.every((m) => m.data[i]) ? 1 : 0));
      expect(bits(decodeRle(rleMerge(rles)))).toEqual(or);
      expect(bits(decodeRle(rleMerge(rles, true)))).toEqual(and);
      // The result is a canonical RLE: the same string our encoder gives for the pixels.
      expect(rleMerge(rles).counts).toBe(
        encodeMask({ width: w, height: h, data: Uint8Array.from(or) }).counts,
      );
    }
  });

  it('a single RLE merges to itself; an empty list is an error', () => {
    const r = encodeMask(fromAscii('.#', '#.'));
    expect(rleMerge([r])).toEqual(r);
    expect(() => rleMerge([])).toThrow(/at least one/);
  });
});

describe('rleCrop / rleFromBbox', () => {
  it('keeps exactly the pixels inside an integer box', () => {
    const rnd = prng(8);
    const m = randomMask(17, 11, 0.5, rnd);
    const box = [3, 2, 9, 6]; // x 3..11, y 2..7
    const cut = decodeRle(rleCrop(encodeMask(m), box));
    expect(cut.width).toBe(17);
    expect(cut.height).toBe(11);
    for (let y = 0; y < 11; y++)
      for (let x = 0; x < 17; x++) {
        const inside = x >= 3 && x < 12 && y >= 2 && y < 8;
        expect(cut.data[y * 17 + x]).toBe(inside && m.data[y * 17 + x] ? 1 : 0);
      }
  });

  it('rasterises fractional boxes like pycocotools frBbox (pixel centres)', () => {
    // [0.5, 0.5, 2, 2] is the square [0.5, 2.5]²: pixels 1..2 in x and y (see polygon tests).
    const box = decodeRle(rleFromBbox([0.5, 0.5, 2, 2], 4, 4));
    expect(bits(box)).toEqual(bits(fromAscii('....', '.##.', '.##.', '....')));
    const full = blank(4, 4);
    full.data.fill(1);
    expect(rleCrop(encodeMask(full), [0.5, 0.5, 2, 2])).toEqual(rleFromBbox([0.5, 0.5, 2, 2], 4, 4));
  });

  it('a box outside the image leaves nothing', () => {
    const full = blank(6, 5);
    full.data.fill(1);
    expect(rleArea(rleCrop(encodeMask(full), [10, 10, 3, 3]))).toBe(0);
  });
});
