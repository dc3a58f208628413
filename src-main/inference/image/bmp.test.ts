import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeBmp } from './bmp';
import { createEngine } from '../engine';
import { REPO_ROOT } from '../../testing/cli';
import { useTmp } from '../../testing/tmp';
import { iouXywh } from '../../testing/planted-images';

const tmp = useTmp();

/** A BMP with a red square on grey, written by hand: 24-bit bottom-up, or 8-bit palette top-down. */
function bmp(width: number, height: number, square: { x: number; y: number; s: number }, mode: '24' | '8-topdown'): Buffer {
  const red = (x: number, y: number) => x >= square.x && x < square.x + square.s && y >= square.y && y < square.y + square.s;
  const bpp = mode === '24' ? 24 : 8;
  const stride = Math.ceil((width * bpp) / 32) * 4;
  const paletteBytes = bpp === 8 ? 256 * 4 : 0;
  const offset = 54 + paletteBytes;
  const b = Buffer.alloc(offset + stride * height);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(offset, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(mode === '24' ? height : -height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(bpp, 28);
  if (bpp === 8) {
    b.writeUInt32LE(2, 46); // two colours used: 0 grey, 1 red (BGR0)
    b.set([128, 128, 128, 0, 0, 0, 255, 0], 54);
  }
  for (let y = 0; y < height; y++) {
    const row = offset + (mode === '24' ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      if (bpp === 24) b.set(red(x, y) ? [0, 0, 255] : [128, 128, 128], row + x * 3);
      else b[row + x] = red(x, y) ? 1 : 0;
    }
  }
  return b;
}

describe('BMP images', () => {
  it('decodes 24-bit bottom-up and 8-bit palette top-down files to the same pixels', () => {
    for (const mode of ['24', '8-topdown'] as const) {
      const { data, width, height } = decodeBmp(bmp(7, 5, { x: 2, y: 1, s: 3 }, mode));
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
    const rle = bmp(8, 8, { x: 0, y: 0, s: 2 }, '8-topdown');
    rle.writeUInt32LE(1, 30);
    expect(() => decodeBmp(rle)).toThrow(/compression 1 .* not supported/);
    expect(() => decodeBmp(bmp(64, 64, { x: 0, y: 0, s: 2 }, '24').subarray(0, 300))).toThrow(/truncated BMP/);
  });

  it('pre-labels a BMP like any other image (sharp alone cannot read it)', async () => {
    const file = join(tmp(), 'square.bmp');
    writeFileSync(file, bmp(400, 300, { x: 120, y: 80, s: 128 }, '24'));
    await expect(sharp(file).metadata()).rejects.toThrow();
    const engine = await createEngine({ pack: join(REPO_ROOT, 'models', 'fixtures', 'glip-fixture') });
    try {
      const r = await engine.predict(file, [{ id: 1, name: 'red' }]);
      expect([r.width, r.height]).toEqual([400, 300]);
      expect(r.detections.length).toBeGreaterThan(0);
      expect(iouXywh(r.detections[0].bbox, [120, 80, 128, 128])).toBeGreaterThanOrEqual(0.9);
    } finally {
      await engine.close();
    }
  });
});
