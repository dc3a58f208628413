/**
 * How a mask and its box stay one thing: the box of a masked annotation is the mask's tight
 * box and its area the mask's pixel count, and moving or resizing the box carries the mask
 * along. Masks are exact pixels, so a move goes by whole pixels and a resize resamples by
 * nearest neighbour; the box then follows the mask (and lands on pixel edges).
 */
import type { Bbox, Rle } from '../contract';
import { LwError } from '../errors';
import { decodeRle, encodeMask, rleArea, rleBbox, stringToCounts } from '../masks';

export interface MaskGeometry {
  rle: Rle;
  bbox: Bbox;
  area: number;
}

/**
 * Checks a COCO RLE against the image (size, a well-formed counts string covering every
 * pixel) and returns it with its box and area. `where` names the annotation in errors.
 */
export function maskGeometry(rle: Rle, width: number, height: number, where = 'rle'): MaskGeometry {
  if (rle.size[0] !== height || rle.size[1] !== width)
    throw new LwError(
      'INVALID_ARGUMENT',
      `${where}: rle.size [${rle.size.join(', ')}] must equal the image's [height, width] = [${height}, ${width}]`,
    );
  let counts: Uint32Array;
  try {
    counts = stringToCounts(rle.counts);
  } catch (e) {
    throw new LwError('INVALID_ARGUMENT', `${where}: rle.counts is not a COCO compressed RLE string (${(e as Error).message})`);
  }
  let sum = 0;
  for (const c of counts) sum += c;
  if (sum !== width * height)
    throw new LwError('INVALID_ARGUMENT', `${where}: rle.counts covers ${sum} pixels, the image has ${width * height}`);
  const area = rleArea(counts);
  if (area === 0) throw new LwError('INVALID_ARGUMENT', `${where}: the mask is empty`, 'Delete the annotation, or send it without a mask.');
  return { rle: { size: [height, width], counts: rle.counts }, bbox: rleBbox(counts, height, width), area };
}

/** The mask moved by whole pixels (dx, dy), clipped at the image border. */
export function translateMask(rle: Rle, dx: number, dy: number): Rle {
  const src = decodeRle(rle);
  const { width: w, height: h } = src;
  const out = new Uint8Array(w * h);
  const x0 = Math.max(0, dx);
  const x1 = Math.min(w, w + dx);
  for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
    const from = (y - dy) * w - dx;
    const row = y * w;
    for (let x = x0; x < x1; x++) out[row + x] = src.data[from + x];
  }
  return encodeMask({ width: w, height: h, data: out });
}

/**
 * The mask's pixels inside `from` (its tight box) stretched into `to` by nearest neighbour:
 * each pixel whose centre lies inside `to` takes the value of the source pixel at the same
 * relative position. Pixels outside the image are dropped.
 */
export function resampleMask(rle: Rle, from: Bbox, to: Bbox): Rle {
  const src = decodeRle(rle);
  const { width: w, height: h } = src;
  const out = new Uint8Array(w * h);
  const [fx, fy, fw, fh] = from;
  const [tx, ty, tw, th] = to;
  if (fw > 0 && fh > 0 && tw > 0 && th > 0) {
    const c0 = Math.max(0, Math.ceil(tx - 0.5));
    const c1 = Math.min(w - 1, Math.floor(tx + tw - 0.5));
    const r0 = Math.max(0, Math.ceil(ty - 0.5));
    const r1 = Math.min(h - 1, Math.floor(ty + th - 0.5));
    const srcCol = new Int32Array(Math.max(0, c1 - c0 + 1));
    for (let c = c0; c <= c1; c++) {
      const sx = Math.floor(fx + ((c + 0.5 - tx) / tw) * fw);
      srcCol[c - c0] = Math.min(Math.max(sx, Math.ceil(fx)), Math.ceil(fx + fw) - 1, w - 1);
    }
    for (let r = r0; r <= r1; r++) {
      const sy = Math.min(Math.max(Math.floor(fy + ((r + 0.5 - ty) / th) * fh), Math.ceil(fy)), Math.ceil(fy + fh) - 1, h - 1);
      if (sy < 0) continue;
      const srow = sy * w;
      const orow = r * w;
      for (let c = c0; c <= c1; c++) {
        const sx = srcCol[c - c0];
        if (sx >= 0) out[orow + c] = src.data[srow + sx];
      }
    }
  }
  return encodeMask({ width: w, height: h, data: out });
}

/**
 * The mask after its annotation's box went from `prev` (the mask's own box) to `next`:
 * same size means a move (by the rounded offset), another size a resize. Returns the new
 * mask with the box and area that follow from it.
 */
export function maskFollowingBox(rle: Rle, prev: Bbox, next: Bbox, where = 'bbox'): MaskGeometry {
  const moved =
    Math.abs(next[2] - prev[2]) < 0.005 && Math.abs(next[3] - prev[3]) < 0.005
      ? translateMask(rle, Math.round(next[0] - prev[0]), Math.round(next[1] - prev[1]))
      : resampleMask(rle, prev, next);
  const [h, w] = rle.size;
  const counts = stringToCounts(moved.counts);
  const area = rleArea(counts);
  if (area === 0)
    throw new LwError('INVALID_ARGUMENT', `${where}: the box [${next.join(', ')}] leaves no pixel of the mask inside the image`);
  return { rle: moved, bbox: rleBbox(counts, h, w), area };
}
