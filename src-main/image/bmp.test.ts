import { describe, expect, it } from 'vitest';
import { bmpWithSquare } from '../testing/bmp-square';
import { decodeBmp } from './bmp';

describe('BMP images', () => {
  it('decodes 24-bit bottom-up and 8-bit palette top-down files to the same pixels', () => {
    for (const mode of ['24', '8-topdown'] as const) {
      const { data, width, height } = decodeBmp(bmpWithSquare(7, 5, { x: 2, y: 1, s: 3 }, mode));
      expect([width, height]).toEqual([7, 5]);
      const px = (x: number, y: number) => [...data.subarray((y * 7 + x) * 3, (y * 7 + x) * 3 + 3)];
      expect(px(0, 0)).toEqual([128, 128, 128]);
      expect(px(2, 1)).toEqual([255, 0, 0]);
      expect(px(4, 3)).toEqual([255, 0, 0]);
      expect(px(5, 3)).toEqual([128, 128, 128]);
      expect(px(4, 4)).toEqual([128, 128, 128]);
    }
  });

  it('refuses RLE-compressed and truncated files with a reason', () => {
    const rle = bmpWithSquare(8, 8, { x: 0, y: 0, s: 2 }, '8-topdown');
    rle.writeUInt32LE(1, 30);
    expect(() => decodeBmp(rle)).toThrow(/compression 1 .* not supported/);
    expect(() => decodeBmp(bmpWithSquare(64, 64, { x: 0, y: 0, s: 2 }, '24').subarray(0, 300))).toThrow(/truncated BMP/);
  });
});
