/**
 * Images with an EXIF orientation whose upright picture is known: landscape W×H, a red block
 * in the top-left, blue elsewhere. For tests of what the editor is shown (display-image.ts).
 */
import { writeFileSync } from 'node:fs';
import sharp from 'sharp';

/** Upright picture: landscape, so a missed 90° turn shows in the size. */
export const UPRIGHT = { width: 40, height: 30 };
const BLOCK = 12;
export const ORIENTATIONS = [1, 2, 3, 4, 5, 6, 7, 8];
export type OrientedFormat = 'jpeg' | 'png' | 'webp' | 'tiff';

/** The upright pixel at (x, y). */
const upright = (x: number, y: number) => (x < BLOCK && y < BLOCK ? [255, 0, 0] : [0, 0, 255]);

/**
 * The stored pixels of an image that, displayed with EXIF orientation `o`, is the upright
 * picture: each stored (x, y) is shown at display(x, y) (the TIFF/EXIF definitions).
 */
export function storedPixels(o: number): { data: Buffer; width: number; height: number } {
  const { width: W, height: H } = UPRIGHT;
  const sw = o >= 5 ? H : W;
  const sh = o >= 5 ? W : H;
  const display: Record<number, (x: number, y: number) => [number, number]> = {
    1: (x, y) => [x, y],
    2: (x, y) => [sw - 1 - x, y],
    3: (x, y) => [sw - 1 - x, sh - 1 - y],
    4: (x, y) => [x, sh - 1 - y],
    5: (x, y) => [y, x],
    6: (x, y) => [sh - 1 - y, x],
    7: (x, y) => [sh - 1 - y, sw - 1 - x],
    8: (x, y) => [y, sw - 1 - x],
  };
  const data = Buffer.alloc(sw * sh * 3);
  for (let y = 0; y < sh; y++)
    for (let x = 0; x < sw; x++) {
      const [dx, dy] = display[o](x, y);
      data.set(upright(dx, dy), (y * sw + x) * 3);
    }
  return { data, width: sw, height: sh };
}

/** Writes the picture stored for `orientation`, with that orientation in its EXIF. */
export async function writeOriented(path: string, format: OrientedFormat, orientation: number): Promise<void> {
  const { data, width, height } = storedPixels(orientation);
  const img = sharp(data, { raw: { width, height, channels: 3 } }).withMetadata({ orientation });
  const bytes = await (format === 'jpeg' ? img.jpeg({ quality: 95 }) : format === 'webp' ? img.webp({ quality: 95 }) : img.toFormat(format)).toBuffer();
  writeFileSync(path, bytes);
}

/**
 * Decodes WITHOUT applying any orientation (sharp applies none unless asked): the pixels a
 * browser that ignores EXIF paints. Returns the size and the colour of each corner of the
 * upright picture ('red', 'blue', or the raw values), within what lossy JPEG/WebP keeps.
 */
export async function readAsPainted(body: Buffer | string): Promise<{ width: number; height: number; corners: string[] }> {
  const { data, info } = await sharp(body).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const [r, g, b] = data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3);
    return r > 180 && g < 80 && b < 80 ? 'red' : b > 180 && r < 80 && g < 80 ? 'blue' : `${r},${g},${b}`;
  };
  const { width: w, height: h } = info;
  return { width: w, height: h, corners: [at(3, 3), at(w - 4, 3), at(3, h - 4), at(w - 4, h - 4)] };
}

/** Corners of the upright picture, top-left, top-right, bottom-left, bottom-right. */
export const UPRIGHT_CORNERS = ['red', 'blue', 'blue', 'blue'];
