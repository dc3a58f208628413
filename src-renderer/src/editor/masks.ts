/**
 * Mask rendering: COCO RLE → a tinted canvas cropped to the mask's own bounds (a full-image
 * canvas per mask would cost width × height × 4 bytes each: 48 MB for a 12 MP photo),
 * cached by content and colour.
 */
import type { Rle } from '../../../src-main/shared/contract';
import { decodeRle, type BinaryMask as Mask } from '../../../src-main/shared/masks';
import { hexToRgb, maskBbox } from './mask-paint';

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

/** Full-size live canvas for the mask being painted (one at a time). */
export function renderMask(
  mask: Mask,
  color: string,
  canvas = document.createElement('canvas'),
): HTMLCanvasElement {
  if (canvas.width !== mask.width || canvas.height !== mask.height) {
    canvas.width = mask.width;
    canvas.height = mask.height;
  }
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(mask.width, mask.height);
  const [r, g, b] = hexToRgb(color);
  const { data } = mask;
  const out = img.data;
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    if (data[i]) {
      out[j] = r;
      out[j + 1] = g;
      out[j + 2] = b;
      out[j + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}
