/** Synthetic test images (sharp) and geometry helpers for the inference tests and bench. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync as zlibSync } from 'node:zlib';
import sharp from 'sharp';

export type Rgb = { r: number; g: number; b: number };
export const GREY: Rgb = { r: 128, g: 128, b: 128 };
export const RED: Rgb = { r: 255, g: 0, b: 0 };
export const BLUE: Rgb = { r: 0, g: 0, b: 255 };

/** A `bg` image of w×h with solid rectangles planted on it; PNG (lossless) unless asked otherwise. */
export async function plantedImage(
  w: number,
  h: number,
  rects: { x: number; y: number; w: number; h: number; colour: Rgb }[],
  opts: { bg?: Rgb; format?: 'png' | 'jpeg' } = {},
): Promise<Buffer> {
  const layers = await Promise.all(
    rects.map(async (r) => ({
      input: await sharp({ create: { width: r.w, height: r.h, channels: 3, background: r.colour } }).png().toBuffer(),
      left: r.x,
      top: r.y,
    })),
  );
  const img = sharp({ create: { width: w, height: h, channels: 3, background: opts.bg ?? GREY } }).composite(layers);
  return opts.format === 'jpeg' ? img.jpeg({ quality: 92 }).toBuffer() : img.png().toBuffer();
}

/** IoU of two COCO boxes [x, y, w, h] in continuous coordinates. */
export function iouXywh(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/** A PNG whose header claims w×h (one tiny, invalid IDAT): lets tests probe size limits without allocating. */
export function pngHeaderClaiming(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlibSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let table: Uint32Array | null = null;
function crc32(buf: Buffer): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The benches' job images: `n` 640×480 PNGs in `folder`, each with a red and a blue square
 * at positions that vary from image to image (0000.png, 0001.png, …).
 */
export async function writeJobBenchImages(folder: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const png = await plantedImage(640, 480, [
      { x: 20 + ((i * 37) % 400), y: 30 + ((i * 23) % 250), w: 128, h: 128, colour: RED },
      { x: 400 - ((i * 11) % 300), y: 300 - ((i * 7) % 200), w: 96, h: 80, colour: BLUE },
    ]);
    writeFileSync(join(folder, `${String(i).padStart(4, '0')}.png`), png);
  }
}
