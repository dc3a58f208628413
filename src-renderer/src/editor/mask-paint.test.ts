import { describe, expect, it } from 'vitest';
import { decodeRle, encodeMask, stringToCounts, type BinaryMask } from '../../../src-main/shared/masks';
import { maskBbox, paintDisc, paintSegment, tintMask } from './mask-paint';

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
