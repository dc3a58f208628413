/** Mask rendering: COCO RLE → tinted offscreen canvas, cached by content and colour. */
import type { Rle } from '../../../src-main/shared/contract';
import { decodeRle, tintMask, type Mask } from './rle';

const cache = new Map<string, HTMLCanvasElement>();
const MAX = 400;

export function maskCanvas(rle: Rle, color: string): HTMLCanvasElement | null {
  const key = `${color}|${rle.size[0]}x${rle.size[1]}|${rle.counts}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let mask: Mask;
  try {
    mask = decodeRle(rle as { size: [number, number]; counts: string });
  } catch {
    return null;
  }
  const c = renderMask(mask, color);
  cache.set(key, c);
  if (cache.size > MAX) cache.delete(cache.keys().next().value!);
  return c;
}

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
  tintMask(mask, color, img.data);
  ctx.putImageData(img, 0, 0);
  return canvas;
}
