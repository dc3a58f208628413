import { readFile } from 'node:fs/promises';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { decodeBmp, isBmp } from './bmp';

/**
 * A sharp pipeline for any image the project accepts: BMP, which libvips cannot read, is
 * decoded in JS and handed over as raw RGB; everything else goes to sharp as it is.
 */
export async function openImage(src: string | Buffer, options: SharpOptions = {}): Promise<Sharp> {
  const bmp = typeof src === 'string' ? (/\.bmp$/i.test(src) ? await readFile(src) : null) : isBmp(src) ? src : null;
  if (!bmp || !isBmp(bmp)) return sharp(src, options);
  const raw = decodeBmp(bmp);
  return sharp(raw.data, { ...options, raw: { width: raw.width, height: raw.height, channels: 3 } });
}
