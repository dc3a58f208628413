/**
 * Selection geometry, pure: what a marquee covers, where a group of boxes may move inside
 * the image, and where a pasted group lands. The store and the select tool use it; the
 * changes it leads to are built in group-changes.ts.
 */
import type { Annotation } from '../../../src-main/shared/contract';
import { unionBox, type Bbox, type Point } from './geometry';

/** The ids of the annotations whose box lies wholly inside `rect`, in list order. */
export function coveredBy(rect: Bbox, list: readonly Pick<Annotation, 'id' | 'bbox'>[]): number[] {
  const [x0, y0, w, h] = rect;
  const x1 = x0 + w,
    y1 = y0 + h;
  return list
    .filter((a) => a.bbox[0] >= x0 && a.bbox[1] >= y0 && a.bbox[0] + a.bbox[2] <= x1 && a.bbox[1] + a.bbox[3] <= y1)
    .map((a) => a.id);
}

/** The box around every box of the list (null for none). */
export function boundsOf(boxes: readonly (readonly number[])[]): Bbox | null {
  let u: Bbox | null = null;
  for (const b of boxes) u = u ? unionBox(u, b as Bbox) : ([b[0], b[1], b[2], b[3]] as Bbox);
  return u;
}

/**
 * The offset of a group move, limited so that every box of the group stays inside the
 * image (the group moves as one: it stops at the border together, keeping its layout).
 */
export function clampGroupOffset(
  bounds: Bbox,
  dx: number,
  dy: number,
  width: number,
  height: number,
): { dx: number; dy: number } {
  const lim = (d: number, at: number, size: number, max: number) =>
    Math.min(Math.max(d, -at), Math.max(-at, max - (at + size)));
  return { dx: lim(dx, bounds[0], bounds[2], width), dy: lim(dy, bounds[1], bounds[3], height) };
}

/**
 * Where a pasted group goes, as a whole-pixel offset from where it was copied (whole
 * pixels, so masks move exactly with their boxes):
 * - on another image: the same place (the images of a folder are alike: the same object
 *   sits in the same place); what falls outside that image is clipped later;
 * - on the image it was copied from, with the mouse over the canvas: the group's centre
 *   at the mouse, kept inside;
 * - on that image with the mouse outside the canvas: 10 px down and right, kept inside.
 */
export function pasteOffset(
  bounds: Bbox,
  pointer: Point | null,
  sameImage: boolean,
  width: number,
  height: number,
): { dx: number; dy: number } {
  if (!sameImage) return { dx: 0, dy: 0 };
  const dx = pointer ? pointer.x - (bounds[0] + bounds[2] / 2) : 10;
  const dy = pointer ? pointer.y - (bounds[1] + bounds[3] / 2) : 10;
  const c = clampGroupOffset(bounds, Math.round(dx), Math.round(dy), width, height);
  // A group larger than the image keeps its top-left corner on the image.
  return { dx: Math.round(c.dx), dy: Math.round(c.dy) };
}
