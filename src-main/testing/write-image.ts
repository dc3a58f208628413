import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';

type Format = 'jpeg' | 'png' | 'webp' | 'tiff';

/** Writes a real image whose pixels differ per `seed`, so every file has its own hash. */
export async function writeImage(
  path: string,
  width: number,
  height: number,
  opts: { format?: Format; seed?: number; orientation?: number } = {},
): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const seed = opts.seed ?? 0;
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 31 + seed * 97) & 0xff;
  let img = sharp(raw, { raw: { width, height, channels: 3 } });
  const format = opts.format ?? 'png';
  img = img.toFormat(format);
  if (opts.orientation) img = img.withMetadata({ orientation: opts.orientation });
  writeFileSync(path, await img.toBuffer());
}

/** A 24-bit uncompressed BMP, written by hand because sharp cannot encode BMP. */
export function writeBmp(path: string, width: number, height: number): void {
  const rowSize = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + rowSize * height;
  const b = Buffer.alloc(size);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(size, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(rowSize * height, 34);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) b[54 + y * rowSize + x * 3] = (x * 7 + y) & 0xff;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, b);
}
