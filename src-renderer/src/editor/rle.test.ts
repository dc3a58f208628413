import { describe, expect, it } from 'vitest';
import { decodeCounts, decodeRle, encodeCounts, encodeMask, maskBbox, paintDisc, type Mask } from './rle';

describe('RLE codec', () => {
  it('round-trips counts, including large and negative deltas', () => {
    const counts = [0, 5, 17, 3, 100000, 1, 16, 16, 2 ** 31, 7, 0];
    expect(decodeCounts(encodeCounts(counts))).toEqual(counts);
  });

  it('matches pycocotools strings', () => {
    // pycocotools: encode(np.asfortranarray([[0,1],[1,1]]…)) for a 2x2 with one zero first → counts [1, 3]
    expect(encodeCounts([1, 3])).toBe('13');
    // a positive 16 needs two characters because of the sign bit
    expect(encodeCounts([16])).toBe('`0');
    expect(decodeCounts('`0')).toEqual([16]);
  });

  it('is column-major: runs walk down columns', () => {
    // 3 wide, 2 high; only pixel (x=1, y=0) set. Column-major index = 1*2 + 0 = 2.
    const m: Mask = { width: 3, height: 2, data: new Uint8Array([0, 1, 0, 0, 0, 0]) };
    const rle = encodeMask(m);
    expect(rle.size).toEqual([2, 3]);
    expect(decodeCounts(rle.counts)).toEqual([2, 1, 3]);
    expect(decodeRle(rle).data).toEqual(m.data);
  });

  it('round-trips a painted mask and reports its box', () => {
    const m: Mask = { width: 40, height: 30, data: new Uint8Array(1200) };
    paintDisc(m, 20, 10, 5, 1);
    const back = decodeRle(encodeMask(m));
    expect(back.data).toEqual(m.data);
    expect(maskBbox(back)).toEqual([15, 5, 10, 10]);
    paintDisc(m, 20, 10, 6, 0);
    expect(maskBbox(m)).toBeNull();
    expect(decodeCounts(encodeMask(m).counts)).toEqual([1200]);
  });

  it('rejects garbage', () => {
    expect(() => decodeCounts('\u0001')).toThrow();
  });
});
