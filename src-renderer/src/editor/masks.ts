/**
 * Mask rendering: COCO RLE → a tinted canvas cropped to the mask's own bounds (a full-image
 * canvas per mask would cost width × height × 4 bytes each: 48 MB for a 12 MP photo),
 * cached by content and colour; and the live surface a brush stroke paints into.
 */
import type { Rle } from '../../../src-main/shared/contract';
import { decodeRle, type BinaryMask as Mask } from '../../../src-main/shared/masks';
import { hexToRgb, maskBbox, tintRegion, type DirtyRect } from './mask-paint';

export interface MaskSprite {
  canvas: HTMLCanvasElement;
  /** Where the canvas goes, in image pixels. */
  x: number;
  y: number;
}

const cache = new Map<string, MaskSprite | null>();
const MAX = 600;

export function maskSprite(rle: Rle, color: string): MaskSprite | null {
  const key = `${color}|${rle.size[0]}x${rle.size[1]}|${rle.counts}`;
  if (cache.has(key)) {
    const hit = cache.get(key)!;
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let sprite: MaskSprite | null = null;
  try {
    const mask = decodeRle(rle);
    const b = maskBbox(mask);
    if (b) sprite = { canvas: renderMaskRegion(mask, color, b[0], b[1], b[2], b[3]), x: b[0], y: b[1] };
  } catch {
    sprite = null;
  }
  cache.set(key, sprite);
  if (cache.size > MAX) cache.delete(cache.keys().next().value!);
  return sprite;
}

/** Tints the region [x0, x0 + w) × [y0, y0 + h) of a mask into a canvas of that size. */
export function renderMaskRegion(
  mask: Mask,
  color: string,
  x0: number,
  y0: number,
  w: number,
  h: number,
): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(w, h);
  const [r, g, b] = hexToRgb(color);
  const out = img.data;
  for (let y = 0; y < h; y++) {
    const row = (y + y0) * mask.width + x0;
    for (let x = 0, j = y * w * 4; x < w; x++, j += 4) {
      if (mask.data[row + x]) {
        out[j] = r;
        out[j + 1] = g;
        out[j + 2] = b;
        out[j + 3] = 255;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/**
 * The live canvas of the mask being painted: one canvas at the mask's resolution, kept for
 * the whole session (a 12 MP photo's canvas is allocated once, not per stroke or per move).
 * A stroke starts by drawing the mask's own box into it; each segment then re-tints only the
 * rectangle it touched, through a scratch buffer that grows but is never reallocated per move.
 */
export class PaintSurface {
  readonly canvas: HTMLCanvasElement = document.createElement('canvas');
  private ctx: CanvasRenderingContext2D | null = null;
  private scratch: ImageData | null = null;
  private rgb: [number, number, number] = [0, 0, 0];
  /**
   * What the canvas holds: the union of the mask's box and every rectangle painted since
   * begin. The canvas draws only this part: drawing a whole 12 MP canvas costs ~4–7 ms a
   * frame in software (more after it changed), a stroke's region a fraction of a millisecond.
   */
  readonly bounds: DirtyRect = { x0: 0, y0: 0, x1: 0, y1: 0 };

  /** Sizes the canvas to the mask (only when it differs), clears it and draws the mask in `color`. */
  begin(mask: Mask, color: string): void {
    if (this.canvas.width !== mask.width || this.canvas.height !== mask.height) {
      this.canvas.width = mask.width;
      this.canvas.height = mask.height;
      this.ctx = null;
    }
    this.ctx ??= this.canvas.getContext('2d')!;
    this.ctx.clearRect(0, 0, mask.width, mask.height);
    this.rgb = hexToRgb(color);
    Object.assign(this.bounds, { x0: mask.width, y0: mask.height, x1: 0, y1: 0 });
    const b = maskBbox(mask);
    if (b) this.update(mask, { x0: b[0], y0: b[1], x1: b[0] + b[2], y1: b[1] + b[3] });
  }

  /** The part of the canvas worth drawing, [x, y, w, h] (image pixels), or null while it is empty. */
  region(): [number, number, number, number] | null {
    const r = this.bounds;
    return r.x1 > r.x0 && r.y1 > r.y0 ? [r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0] : null;
  }

  /** Re-tints the rectangle a segment touched. */
  update(mask: Mask, r: DirtyRect): void {
    const w = r.x1 - r.x0,
      h = r.y1 - r.y0;
    if (w <= 0 || h <= 0 || !this.ctx) return;
    const u = this.bounds;
    if (r.x0 < u.x0) u.x0 = r.x0;
    if (r.y0 < u.y0) u.y0 = r.y0;
    if (r.x1 > u.x1) u.x1 = r.x1;
    if (r.y1 > u.y1) u.y1 = r.y1;
    let img = this.scratch;
    if (!img || img.width < w || img.height < h) {
      // Grown with headroom so a brush that keeps growing does not reallocate every move.
      img = this.ctx.createImageData(
        Math.max(w, Math.ceil((img?.width ?? 0) * 1.5), 64),
        Math.max(h, Math.ceil((img?.height ?? 0) * 1.5), 64),
      );
      this.scratch = img;
    }
    tintRegion(mask, this.rgb, r.x0, r.y0, w, h, img.data, img.width);
    this.ctx.putImageData(img, r.x0, r.y0, 0, 0, w, h);
  }
}
