import { describe, expect, it } from 'vitest';
import { decodeRle, encodeMask, stringToCounts, type BinaryMask } from '../../../src-main/shared/masks';
import { maskBbox, paintDisc, paintSegment, tintMask, tintRegion } from './mask-paint';

describe('mask painting', () => {
  it('paints and erases a disc, and the tight box follows; the codec round-trips it', () => {
    const m: BinaryMask = { width: 40, height: 30, data: new Uint8Array(1200) };
    paintDisc(m, 20, 10, 5, 1);
    const back = decodeRle(encodeMask(m));
    expect(back.data).toEqual(m.data);
    // Pixels whose centres lie within 5 px of (20, 10): columns 15..24, rows 5..14.
    expect(maskBbox(back)).toEqual([15, 5, 10, 10]);
    paintDisc(m, 20, 10, 6, 0);
    expect(maskBbox(m)).toBeNull();
    expect(Array.from(stringToCounts(encodeMask(m).counts))).toEqual([1200]);
  });

  it('leaves no gap along a fast stroke', () => {
    const m: BinaryMask = { width: 100, height: 10, data: new Uint8Array(1000) };
    paintSegment(m, { x: 5, y: 5 }, { x: 95, y: 5 }, 2, 1);
    for (let x = 5; x < 95; x++) expect(m.data[5 * 100 + x]).toBe(1);
  });

  it('tints set pixels with the class colour and clears the rest', () => {
    const m: BinaryMask = { width: 2, height: 1, data: new Uint8Array([1, 0]) };
    const out = new Uint8ClampedArray(8).fill(9);
    tintMask(m, '#102030', out, 200);
    expect(Array.from(out)).toEqual([16, 32, 48, 200, 9, 9, 9, 0]);
  });
});

describe('incremental painting', () => {
  it('reports a rectangle holding every pixel a segment changed', () => {
    const m: BinaryMask = { width: 120, height: 80, data: new Uint8Array(120 * 80) };
    const before = m.data.slice();
    const r = paintSegment(m, { x: 20.5, y: 30 }, { x: 70, y: 55.2 }, 6, 1)!;
    let changed = 0;
    for (let y = 0; y < 80; y++)
      for (let x = 0; x < 120; x++)
        if (m.data[y * 120 + x] !== before[y * 120 + x]) {
          changed++;
          expect(x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1, `(${x}, ${y})`).toBe(true);
        }
    expect(changed).toBeGreaterThan(0);
    // No wider than the discs at both ends (radius 6, one pixel of rounding).
    expect(r).toEqual({ x0: 14, y0: 24, x1: 77, y1: 63 });
  });

  it('clips at the image border and says when a segment misses the mask', () => {
    const m: BinaryMask = { width: 10, height: 10, data: new Uint8Array(100) };
    expect(paintSegment(m, { x: -20, y: -20 }, { x: -15, y: -20 }, 2, 1)).toBeNull();
    expect(paintSegment(m, { x: 0, y: 0 }, { x: 0, y: 0 }, 3, 1)).toEqual({ x0: 0, y0: 0, x1: 4, y1: 4 });
  });

  it('tints a region into a buffer with its own row stride', () => {
    const m: BinaryMask = { width: 3, height: 2, data: new Uint8Array([0, 1, 1, 1, 0, 1]) };
    const out = new Uint8ClampedArray(4 * 4 * 2).fill(7); // stride 4 px, region 2×2 at (1, 0)
    tintRegion(m, [1, 2, 3], 1, 0, 2, 2, out, 4);
    const px = (x: number, y: number) => Array.from(out.slice((y * 4 + x) * 4, (y * 4 + x) * 4 + 4));
    expect(px(0, 0)).toEqual([1, 2, 3, 255]);
    expect(px(1, 0)).toEqual([1, 2, 3, 255]);
    expect(px(0, 1)[3]).toBe(0);
    expect(px(1, 1)).toEqual([1, 2, 3, 255]);
    expect(px(2, 0)).toEqual([7, 7, 7, 7]); // outside the region: untouched
  });
});
