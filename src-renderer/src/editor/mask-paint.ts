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

/** Paints discs along the segment a→b so a fast stroke leaves no gaps. */
export function paintSegment(
  mask: BinaryMask,
  a: { x: number; y: number },
  b: { x: number; y: number },
  radius: number,
  value: 0 | 1,
): void {
  const d = Math.hypot(b.x - a.x, b.y - a.y);
  const steps = Math.max(1, Math.ceil(d / Math.max(1, radius / 2)));
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    paintDisc(mask, a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, radius, value);
  }
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
