/**
 * Box coordinates, COCO style: [x, y, width, height] in continuous pixel coordinates, origin
 * at the top-left corner of the top-left pixel. Stored and exported rounded to 1/100 px, so
 * a dataset never carries float noise such as 129.89999999999998.
 */
import type { Bbox } from '../contract';
import { LwError } from '../errors';

/** A coordinate rounded to 1/100 px (half away from zero, so -0.005 → -0.01 as 0.005 → 0.01). */
export function roundCoord(v: number): number {
  const r = Math.sign(v) * Math.round(Math.abs(v) * 100) / 100;
  return r === 0 ? 0 : r; // no -0 in a dataset
}

/** A box with each number rounded to 1/100 px; the width and height are rounded as numbers of their own. */
export function roundBox(b: Bbox | readonly number[]): Bbox {
  return [roundCoord(b[0]), roundCoord(b[1]), roundCoord(b[2]), roundCoord(b[3])];
}

/** Two boxes that agree to within the stored precision. */
export function sameBox(a: Bbox | readonly number[], b: Bbox | readonly number[], tolerance = 0.01): boolean {
  for (let i = 0; i < 4; i++) if (Math.abs(a[i] - b[i]) > tolerance + 1e-9) return false;
  return true;
}

/**
 * Clips a box to the image and rounds it; rejects a box of positive size with nothing inside
 * it. A box sticking out of the image is normal editing (a drag past the edge), so it is
 * clipped rather than refused.
 */
export function clipBox(b: Bbox | readonly number[], width: number, height: number, where = 'bbox'): Bbox {
  const [x, y, w, h] = checkedBox(b, where);
  const x0 = Math.min(Math.max(x, 0), width);
  const y0 = Math.min(Math.max(y, 0), height);
  const x1 = Math.min(Math.max(x + w, 0), width);
  const y1 = Math.min(Math.max(y + h, 0), height);
  if (w > 0 && h > 0 && (x1 <= x0 || y1 <= y0))
    throw new LwError('INVALID_ARGUMENT', `${where}: bbox [${b.join(', ')}] lies outside the ${width}×${height} image`);
  // Round the corners, not the size, so that a clipped edge lands exactly on the border.
  const rx0 = roundCoord(x0);
  const ry0 = roundCoord(y0);
  return [rx0, ry0, roundCoord(roundCoord(x1) - rx0), roundCoord(roundCoord(y1) - ry0)];
}

/** The box itself, after checking that it holds finite numbers and no negative size. */
export function checkedBox(b: Bbox | readonly number[], where = 'bbox'): Bbox {
  const [x, y, w, h] = b;
  if (![x, y, w, h].every(Number.isFinite)) throw new LwError('INVALID_ARGUMENT', `${where}: bbox must hold finite numbers`);
  if (w < 0 || h < 0) throw new LwError('INVALID_ARGUMENT', `${where}: bbox width and height must not be negative`);
  return [x, y, w, h];
}
