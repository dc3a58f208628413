import { describe, expect, it } from 'vitest';
import {
  countsToString,
  decodeCounts,
  decodeRle,
  encodeCounts,
  encodeMask,
  stringToCounts,
  toCompressed,
} from './index';
import { bits, blank, ellipses, fromAscii, naiveCounts, prng, randomMask } from '../../testing/mask-refs';
import type { BinaryMask } from './types';

describe('encodeCounts / decodeCounts: hand-worked vectors', () => {
  // 3×3, row-major:       Column-major (Fortran) walk, column by column, top to bottom:
  //   . # .               col 0: 0 0 1   col 1: 1 1 0   col 2: 0 1 0
  //   . # #               -> 0 0 | 1 1 1 | 0 0 | 1 | 0
  //   # . .               -> runs [2, 3, 2, 1, 1] (zeros first), summing to 9.
  const m3 = fromAscii('.#.', '.##', '#..');

  it('encodes a 3×3 mask column-major, zeros first', () => {
    expect(Array.from(encodeCounts(m3))).toEqual([2, 3, 2, 1, 1]);
  });

  it('decodes the same counts back to the row-major mask', () => {
    expect(bits(decodeCounts([2, 3, 2, 1, 1], 3, 3))).toEqual(bits(m3));
  });

  it('starts with an empty zero run when the first pixel is set', () => {
    // 2×2 '##' / '#.': column-major 1 1 | 1 0 -> three ones then one zero -> [0, 3, 1].
    const m = fromAscii('##', '#.');
    expect(Array.from(encodeCounts(m))).toEqual([0, 3, 1]);
    expect(bits(decodeCounts([0, 3, 1], 2, 2))).toEqual([1, 1, 1, 0]);
  });

  it('encodes all-zero and all-one masks as one run (plus the empty zero run)', () => {
    expect(Array.from(encodeCounts(blank(5, 4)))).toEqual([20]);
    const ones = blank(5, 4);
    ones.data.fill(1);
    expect(Array.from(encodeCounts(ones))).toEqual([0, 20]);
    expect(bits(decodeCounts([0, 20], 4, 5))).toEqual(new Array(20).fill(1));
  });

  it('encodes a 0×0 mask as [0], like pycocotools, and decodes it back', () => {
    expect(Array.from(encodeCounts(blank(0, 0)))).toEqual([0]);
    expect(decodeCounts([0], 0, 0)).toEqual({ width: 0, height: 0, data: new Uint8Array(0) });
    expect(decodeRle({ size: [0, 7], counts: '0' }).data.length).toBe(0);
  });

  it('treats any non-zero byte as foreground', () => {
    const m: BinaryMask = { width: 3, height: 3, data: Uint8Array.from([0, 7, 0, 0, 255, 1, 2, 0, 0]) };
    expect(Array.from(encodeCounts(m))).toEqual([2, 3, 2, 1, 1]);
  });

  it('distinguishes 1 and 255 from 0 in the same word but not from each other', () => {
    // Width 4: rows are single words; row 1 differs bytewise from row 0 but not as booleans.
    const m: BinaryMask = { width: 4, height: 2, data: Uint8Array.from([1, 255, 0, 3, 9, 1, 0, 1]) };
    expect(Array.from(encodeCounts(m))).toEqual([0, 4, 2, 2]);
  });

  it('handles a single row and a single column', () => {
    // 1×5 '#.##.': each column holds one pixel, so column-major = row-major here.
    expect(Array.from(encodeCounts(fromAscii('#.##.')))).toEqual([0, 1, 1, 2, 1]);
    // 5×1 column: same sequence.
    expect(Array.from(encodeCounts(fromAscii('#', '.', '#', '#', '.')))).toEqual([0, 1, 1, 2, 1]);
  });

  it('rejects counts that do not sum to height×width', () => {
    expect(() => decodeCounts([2, 3], 3, 3)).toThrow(/sum to 5, expected height×width = 3×3 = 9/);
    expect(() => decodeCounts([2, -1, 8], 3, 3)).toThrow(/not a non-negative integer/);
  });

  it('rejects mask data of the wrong length', () => {
    expect(() => encodeCounts({ width: 3, height: 3, data: new Uint8Array(8) })).toThrow(/8 bytes, expected/);
  });
});

describe('countsToString / stringToCounts: hand-worked vectors', () => {
  // Each value is cut into 5-bit groups, least significant first; a char is 48 + group,
  // plus 0x20 when more groups follow. The last group's bit 0x10 is a sign bit.
  it('writes small counts as one character each', () => {
    // 2, 3, 2 -> '2' '3' '2' (48 + value). Then deltas against counts[i-2]:
    // i=3: 1 - 3 = -2 = ...11110: group 0b11110 = 30, rest is -1 and the sign bit is set,
    //      so it ends here: 48 + 30 = 78 'N'.
    // i=4: 1 - 2 = -1: group 31, 48 + 31 = 79 'O'.
    expect(countsToString([2, 3, 2, 1, 1])).toBe('232NO');
    expect(Array.from(stringToCounts('232NO'))).toEqual([2, 3, 2, 1, 1]);
  });

  it('uses deltas only from the fourth count on (i > 2)', () => {
    // [1, 5, 1, 2]: i=2 is written as is ('1'), i=3 as 2 - 5 = -3: -3 & 31 = 29, 48+29 = 'M'.
    expect(countsToString([1, 5, 1, 2])).toBe('151M');
    expect(Array.from(stringToCounts('151M'))).toEqual([1, 5, 1, 2]);
  });

  it('needs two characters for 16..31 because of the sign bit', () => {
    // 16 = 0b10000: the group has 0x10 set, which would read as negative, so a 0 group
    // follows: (16 | 0x20) + 48 = 96 '`', then '0'. 20 likewise: (20|32)+48 = 'd', '0'.
    expect(countsToString([16])).toBe('`0');
    expect(countsToString([20])).toBe('d0');
    expect(countsToString([0, 20])).toBe('0d0');
    expect(Array.from(stringToCounts('`0'))).toEqual([16]);
  });

  it('writes counts above 2^20 in several groups', () => {
    // 2^21 = 2 * 32^4: groups 0, 0, 0, 0, 2 -> 'P' (0|32+48) four times, then '2'.
    expect(countsToString([2 ** 21])).toBe('PPPP2');
    expect(Array.from(stringToCounts('PPPP2'))).toEqual([2 ** 21]);
  });

  it('handles counts up to 2^32 - 1 (beyond int32)', () => {
    // 2^32 - 1: six groups of 31 (each 'o' = 31|32 + 48 = 111), then the top 2 bits, 3.
    expect(countsToString([0, 2 ** 32 - 1])).toBe('0oooooo3');
    expect(Array.from(stringToCounts('0oooooo3'))).toEqual([0, 2 ** 32 - 1]);
    // A delta below -2^31: [5, 2^32 - 2, 3, 1] -> i=3: 1 - (2^32 - 2).
    const big = [5, 2 ** 32 - 2, 3, 1];
    expect(Array.from(stringToCounts(countsToString(big)))).toEqual(big);
  });

  it('round-trips an empty list and a single 0', () => {
    expect(countsToString([])).toBe('');
    expect(Array.from(stringToCounts(''))).toEqual([]);
    expect(countsToString([0])).toBe('0');
  });

  it('rejects malformed strings with a clear error', () => {
    expect(() => stringToCounts('23 2')).toThrow(/invalid character " " at 2/);
    expect(() => stringToCounts('2p')).toThrow(/invalid character "p" at 1/);
    expect(() => stringToCounts('2P')).toThrow(/truncated/);
    expect(() => stringToCounts('PPPPPPPP0')).toThrow(/more than 7 groups/);
    // 'M' alone is -3: a negative first count.
    expect(() => stringToCounts('M')).toThrow(/decodes to -3/);
  });

  it('rejects counts that are not uint32', () => {
    expect(() => countsToString([1.5])).toThrow(/not an integer/);
    expect(() => countsToString([2 ** 32])).toThrow(/not an integer/);
  });

  it('round-trips random counts including large values and negative deltas', () => {
    const rnd = prng(11);
    for (let it = 0; it < 200; it++) {
      const n = Math.floor(rnd() * 30);
      const counts = Array.from({ length: n }, () => {
        const r = rnd();
        return r < 0.5
          ? Math.floor(rnd() * 40)
          : r < 0.9
            ? Math.floor(rnd() * 2 ** 20)
            : Math.floor(rnd() * 2 ** 32);
      });
      expect(Array.from(stringToCounts(countsToString(counts)))).toEqual(counts);
    }
  });
});

describe('encodeMask / decodeRle / toCompressed', () => {
  it('encodes the 3×3 example to its string', () => {
    expect(encodeMask(fromAscii('.#.', '.##', '#..'))).toEqual({ size: [3, 3], counts: '232NO' });
  });

  it('decodes a compressed RLE and checks the size against the counts', () => {
    expect(bits(decodeRle({ size: [3, 3], counts: '232NO' }))).toEqual(bits(fromAscii('.#.', '.##', '#..')));
    expect(() => decodeRle({ size: [3, 4], counts: '232NO' })).toThrow(
      /sum to 9, expected height×width = 3×4 = 12/,
    );
  });

  it('compresses COCO uncompressed RLE after validating it', () => {
    expect(toCompressed({ size: [3, 3], counts: [2, 3, 2, 1, 1] })).toEqual({
      size: [3, 3],
      counts: '232NO',
    });
    expect(toCompressed({ size: [3, 3], counts: '232NO' })).toEqual({ size: [3, 3], counts: '232NO' });
    expect(() => toCompressed({ size: [3, 3], counts: [2, 3] })).toThrow(
      /sum to 5, expected height×width = 3×3 = 9/,
    );
    expect(() => toCompressed({ size: [3, 3], counts: [2, -3, 10] })).toThrow(/count 1 is -3/);
    expect(() => toCompressed({ size: [3, 3], counts: [2, 3.5, 3.5] })).toThrow(/count 1 is 3.5/);
    expect(() => toCompressed({ size: [3], counts: [3] })).toThrow(/size must be \[height, width\]/);
  });
});

describe('round trips against the naive column scan', () => {
  const sizes: [number, number][] = [
    [1, 1],
    [7, 13],
    [13, 7],
    [4, 4],
    [1, 9],
    [9, 1],
    [31, 17],
    [64, 3],
  ];
  for (const [w, h] of sizes) {
    it(`${w}×${h} random masks at several densities`, () => {
      const rnd = prng(w * 1000 + h);
      for (const density of [0, 0.02, 0.3, 0.5, 0.9, 1]) {
        for (let rep = 0; rep < 5; rep++) {
          const m = randomMask(w, h, density, rnd);
          const counts = encodeCounts(m);
          expect(Array.from(counts)).toEqual(naiveCounts(m));
          expect(bits(decodeCounts(counts, h, w))).toEqual(bits(m));
          expect(bits(decodeRle(encodeMask(m)))).toEqual(bits(m));
        }
      }
    });
  }

  it('handles data that is not 4-byte aligned (a subarray at an odd offset)', () => {
    const rnd = prng(5);
    const src = randomMask(8, 6, 0.4, rnd);
    const buf = new Uint8Array(src.data.length + 3);
    buf.set(src.data, 1);
    const m: BinaryMask = { width: 8, height: 6, data: buf.subarray(1, 1 + src.data.length) };
    expect(Array.from(encodeCounts(m))).toEqual(naiveCounts(src));
  });

  it('1920×1080 (width 1920, height 1080) blobs and noise', () => {
    const rnd = prng(1080);
    const blobs = ellipses(1920, 1080, [
      [400, 300, 250, 180],
      [1200, 700, 400, 300],
      [1700, 150, 120, 90],
    ]);
    const noise = randomMask(1920, 1080, 0.5, rnd);
    for (const m of [blobs, noise]) {
      const counts = encodeCounts(m);
      expect(Array.from(counts)).toEqual(naiveCounts(m));
      const back = decodeCounts(counts, 1080, 1920);
      expect(Buffer.from(back.data).equals(Buffer.from(m.data))).toBe(true);
    }
  });

  it('1081×1921 (odd width, padded path) blobs', () => {
    const m = ellipses(1081, 1921, [
      [300, 900, 200, 700],
      [800, 400, 150, 150],
    ]);
    expect(Array.from(encodeCounts(m))).toEqual(naiveCounts(m));
    expect(Buffer.from(decodeRle(encodeMask(m)).data).equals(Buffer.from(m.data))).toBe(true);
  });

  it('decodes counts with empty runs in the middle (not ours, but valid COCO)', () => {
    // [1, 0, 2, 3, 3] on 3×3: zeros 1, ones 0, zeros 2, ones 3, zeros 3
    // -> column-major 0 0 0 1 1 1 0 0 0: only column 1 is set.
    expect(bits(decodeCounts([1, 0, 2, 3, 3], 3, 3))).toEqual(bits(fromAscii('.#.', '.#.', '.#.')));
    // Same on a 4-wide image with many runs per pixel, which takes the dense decoder:
    // [1, 0, 1, 2, 0, 0, 4] on 2×4 -> column-major 0 0 | 1 1 | 0 0 | 0 0: column 1.
    expect(bits(decodeCounts([1, 0, 1, 2, 0, 0, 4], 2, 4))).toEqual(bits(fromAscii('.#..', '.#..')));
  });

  it('decodes into a caller-supplied buffer, overwriting what was there', () => {
    const rnd = prng(17);
    const buf = new Uint8Array(12 * 9).fill(7);
    for (const density of [0.05, 0.5]) {
      const m = randomMask(12, 9, density, rnd);
      const got = decodeCounts(encodeCounts(m), 9, 12, buf);
      expect(got.data).toBe(buf);
      expect(bits(got)).toEqual(bits(m));
    }
    expect(() => decodeCounts([4], 2, 2, new Uint8Array(5))).toThrow(
      /output buffer has 5 bytes, expected 2×2 = 4/,
    );
  });
});
