/**
 * Pixel work on decoded masks for drawing: the tight box to crop a tinted canvas to, brush
 * and eraser discs, and the class tint. The codec (COCO RLE to and from masks) is the common
 * layer's, src-main/shared/masks.
 */
import type { BinaryMask } from '../../../src-main/shared/masks';

export function maskArea(mask: BinaryMask): number {
  let a = 0;
  for (let i = 0; i < mask.data.length; i++) a += mask.data[i];
  return a;
}

/** Tight COCO box [x, y, w, h] around the set pixels, or null when empty. */
export function maskBbox(mask: BinaryMask): [number, number, number, number] | null {
  const { width, height, data } = mask;
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (data[row + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

/** A pixel rectangle [x0, x1) × [y0, y1): what one brush segment touched. */
export interface DirtyRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * The pixels a disc of `radius` around (cx, cy) can touch, clipped to the mask, written into
 * `into` (grown to include them); returns false when the disc misses the mask entirely.
 */
function discRect(mask: BinaryMask, cx: number, cy: number, radius: number, into: DirtyRect): boolean {
  const xa = Math.max(0, Math.floor(cx - radius)),
    xb = Math.min(mask.width - 1, Math.ceil(cx + radius));
  const ya = Math.max(0, Math.floor(cy - radius)),
    yb = Math.min(mask.height - 1, Math.ceil(cy + radius));
  if (xa > xb || ya > yb) return false;
  if (xa < into.x0) into.x0 = xa;
  if (ya < into.y0) into.y0 = ya;
  if (xb + 1 > into.x1) into.x1 = xb + 1;
  if (yb + 1 > into.y1) into.y1 = yb + 1;
  return true;
}

/** Paints (value 1) or erases (value 0) a filled disc centred at (cx, cy) in image pixels. */
export function paintDisc(mask: BinaryMask, cx: number, cy: number, radius: number, value: 0 | 1): void {
  const { width, height, data } = mask;
  const r2 = radius * radius;
  const ya = Math.max(0, Math.floor(cy - radius)),
    yb = Math.min(height - 1, Math.ceil(cy + radius));
  const xa = Math.max(0, Math.floor(cx - radius)),
    xb = Math.min(width - 1, Math.ceil(cx + radius));
  for (let y = ya; y <= yb; y++) {
    const dy = y + 0.5 - cy;
    for (let x = xa; x <= xb; x++) {
      const dx = x + 0.5 - cx;
      if (dx * dx + dy * dy <= r2) data[y * width + x] = value;
    }
  }
}

/**
 * Paints discs along the segment a→b so a fast stroke leaves no gaps. Returns the rectangle
 * it may have changed (written into `dirty` when given, so a stroke allocates nothing per
 * move), or null when the segment lies outside the mask.
 */
export function paintSegment(
  mask: BinaryMask,
  a: { x: number; y: number },
  b: { x: number; y: number },
  radius: number,
  value: 0 | 1,
  dirty: DirtyRect = { x0: 0, y0: 0, x1: 0, y1: 0 },
): DirtyRect | null {
  dirty.x0 = mask.width;
  dirty.y0 = mask.height;
  dirty.x1 = 0;
  dirty.y1 = 0;
  const d = Math.hypot(b.x - a.x, b.y - a.y);
  const steps = Math.max(1, Math.ceil(d / Math.max(1, radius / 2)));
  let any = false;
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const cx = a.x + (b.x - a.x) * t,
      cy = a.y + (b.y - a.y) * t;
    if (!discRect(mask, cx, cy, radius, dirty)) continue;
    any = true;
    paintDisc(mask, cx, cy, radius, value);
  }
  return any ? dirty : null;
}

/** Parses '#rrggbb'. */
export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) return [255, 0, 255];
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Fills an RGBA buffer (ImageData.data) with the class colour where the mask is set. */
export function tintMask(mask: BinaryMask, color: string, out: Uint8ClampedArray, alpha = 255): void {
  const [r, g, b] = hexToRgb(color);
  const { data } = mask;
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    if (data[i]) {
      out[j] = r;
      out[j + 1] = g;
      out[j + 2] = b;
      out[j + 3] = alpha;
    } else out[j + 3] = 0;
  }
}

/**
 * Tints the rectangle [x0, x0 + w) × [y0, y0 + h) of a mask into an RGBA buffer whose rows
 * are `stride` pixels long, starting at its top-left: colour where set, transparent where not.
 */
export function tintRegion(
  mask: BinaryMask,
  rgb: readonly [number, number, number],
  x0: number,
  y0: number,
  w: number,
  h: number,
  out: Uint8ClampedArray,
  stride: number,
): void {
  const [r, g, b] = rgb;
  const { data, width } = mask;
  for (let y = 0; y < h; y++) {
    const row = (y + y0) * width + x0;
    for (let x = 0, j = y * stride * 4; x < w; x++, j += 4) {
      if (data[row + x]) {
        out[j] = r;
        out[j + 1] = g;
        out[j + 2] = b;
        out[j + 3] = 255;
      } else out[j + 3] = 0;
    }
  }
}
