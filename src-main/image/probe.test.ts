import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bmpWithSquare } from '../testing/bmp-square';
import { useTmp } from '../testing/tmp';
import { readImageHeader, UnreadableImage } from './probe';

const tmp = useTmp();
const solid = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 10, g: 200, b: 30 } } });

/** Upright size and orientation as sharp's metadata gives them. */
async function fromSharp(b: Buffer) {
  const m = await sharp(b).metadata();
  const o = m.orientation ?? 1;
  return { width: o >= 5 ? m.height : m.width, height: o >= 5 ? m.width : m.height, orientation: o };
}

/** A JPEG with `bytes` of APP15 padding before its frame header. */
function padded(jpeg: Buffer, bytes: number): Buffer {
  const segments: Buffer[] = [];
  for (let left = bytes; left > 0; left -= 60000) {
    const n = Math.min(60000, left);
    const seg = Buffer.alloc(n + 4);
    seg.set([0xff, 0xef, ((n + 2) >> 8) & 0xff, (n + 2) & 0xff]);
    segments.push(seg);
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

describe('the image probe', () => {
  it('agrees with sharp on upright size and EXIF orientation, JPEG read without sharp', async () => {
    const cases = [
      solid(37, 23).jpeg().toBuffer(),
      solid(37, 23).jpeg({ progressive: true }).toBuffer(),
      solid(37, 23).withIccProfile('p3').jpeg().toBuffer(),
      solid(37, 23).withExif({ IFD0: { Copyright: 'x' } }).jpeg().withMetadata({ orientation: 7 }).toBuffer(),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((o) => solid(37, 23).jpeg().withMetadata({ orientation: o }).toBuffer()),
      solid(37, 23).png().withMetadata({ orientation: 6 }).toBuffer(),
      solid(37, 23).webp().withMetadata({ orientation: 8 }).toBuffer(),
      solid(37, 23).tiff().withMetadata({ orientation: 5 }).toBuffer(),
    ];
    for (const b of await Promise.all(cases)) {
      const h = await readImageHeader(b);
      expect(h).toMatchObject(await fromSharp(b));
      if (h.format === 'jpeg') expect(h.pixels).toBeNull();
      else expect(h.pixels).toMatchObject({ space: 'srgb', channels: 3, depth: 'uchar', hasAlpha: false });
    }
  });

  it('gives a file the same answer as its bytes, also when the JPEG markers run past the first 64 KB', async () => {
    const dir = tmp();
    const jpeg = await solid(41, 29).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    for (const [name, bytes] of [
      ['small.jpg', jpeg],
      ['padded.jpg', padded(jpeg, 150_000)],
      ['square.bmp', bmpWithSquare(30, 20, { x: 1, y: 1, s: 4 }, '8-topdown')],
      ['p.png', await solid(41, 29).png().toBuffer()],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const fromFile = await readImageHeader(file);
      expect(fromFile).toEqual(await readImageHeader(bytes));
      expect(fromFile).toEqual(await readImageHeader(file, { checkComplete: true }));
    }
    expect(await readImageHeader(join(dir, 'padded.jpg'))).toMatchObject({ format: 'jpeg', width: 29, height: 41, orientation: 6 });
    expect(await readImageHeader(join(dir, 'square.bmp'))).toMatchObject({ format: 'bmp', width: 30, height: 20, orientation: 1 });
  });

  it('refuses what it cannot size, with the reason; a missing file says so', async () => {
    const reason = (p: Promise<unknown>) => p.then(() => 'accepted', (e: unknown) => (e instanceof UnreadableImage ? e.message : `other: ${String(e)}`));
    const jpeg = await solid(64, 48).jpeg().toBuffer();
    const png = await solid(64, 48).png().toBuffer();
    const webp = await solid(64, 48).webp().toBuffer();
    const bmp = bmpWithSquare(64, 48, { x: 0, y: 0, s: 2 }, '24');
    const whole = { checkComplete: true };
    expect(await reason(readImageHeader(Buffer.alloc(0)))).toMatch(/empty file/);
    expect(await reason(readImageHeader(Buffer.from('Dear diary')))).toMatch(/^not an image: it starts with "Dear diary", not a JPEG/);
    expect(await reason(readImageHeader(jpeg.subarray(0, jpeg.length - 100), whole))).toMatch(/truncated JPEG/);
    expect(await reason(readImageHeader(png.subarray(0, png.length - 20), whole))).toMatch(/truncated PNG/);
    expect(await reason(readImageHeader(webp.subarray(0, webp.length - 20), whole))).toMatch(/truncated WebP/);
    expect(await reason(readImageHeader(bmp.subarray(0, bmp.length - 20), whole))).toMatch(/truncated BMP/);
    expect(await reason(readImageHeader(bmp.subarray(0, 20)))).toMatch(/truncated BMP/);
    // without checkComplete only the header matters
    expect(await reason(readImageHeader(jpeg.subarray(0, jpeg.length - 100)))).toBe('accepted');
    const gif = await solid(8, 8).gif().toBuffer();
    expect(await readImageHeader(gif)).toMatchObject({ format: 'gif', width: 8, height: 8 });
    expect(await reason(readImageHeader(gif, { formats: new Set(['jpeg', 'png']) }))).toBe("unsupported image format 'gif'");

    const missing = await readImageHeader(join(tmp(), 'nope.jpg')).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UnreadableImage);
    expect(missing).toMatchObject({ missing: true, message: 'no such image file' });
  });
});
