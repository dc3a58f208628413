/**
 * SAM's geometry and prompt rules as pure functions (MODELS.md § SAM; upstream
 * segment_anything/utils/transforms.py `ResizeLongestSide` and utils/onnx.py `SamOnnxModel`):
 * the resized size, the encoder's resize plan, the prompt tensors, which mask to take and its
 * threshold. No ONNX Runtime here, so every rule is testable with hand-worked numbers.
 */
import type { Bbox, Rle } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import { encodeMask } from '../../shared/masks';
import type { ResizePlan } from '../image/pipeline';

/** The encoder's input side (`image_encoder.img_size`). */
export const SAM_INPUT_SIZE = 1024;
/** Side of `mask_input` / `low_res_masks` (4 × the 64×64 embedding grid). */
export const SAM_LOW_RES = 256;
/** The embedding every decoder of the official export takes: [1,256,64,64]. */
export const SAM_EMBEDDING_DIMS = [1, 256, 64, 64] as const;

/**
 * `ResizeLongestSide.get_preprocess_shape`: scale = 1024 / max(h, w), each side int(x·scale + 0.5).
 * The decoder graph computes the same size from `orig_im_size` to crop its padded mask, so
 * the rounding must be this one (not Math.round of another product).
 */
export function samResizedSize(width: number, height: number, long = SAM_INPUT_SIZE): { width: number; height: number } {
  const scale = (long * 1.0) / Math.max(height, width);
  return { width: Math.floor(width * scale + 0.5), height: Math.floor(height * scale + 0.5) };
}

/**
 * The encoder's resize plan. `nchw`: ImageNet mean/std (SAM's pixel mean 123.675… / std
 * 58.395… are those ×255), zero-padded bottom and right to 1024×1024 after normalising.
 * `hwc`: the resized image only, values v/255 (the adapter lays it out as raw 0–255 HWC for
 * an encoder exported with the preprocessing inside).
 */
export function samPlan(layout: 'nchw' | 'hwc'): (w: number, h: number) => ResizePlan {
  return (w, h) => {
    const s = samResizedSize(w, h);
    const width = Math.max(1, s.width);
    const height = Math.max(1, s.height);
    if (layout === 'hwc') return { width, height, padWidth: width, padHeight: height, channelOrder: 'rgb', values: 'unit' };
    return { width, height, padWidth: SAM_INPUT_SIZE, padHeight: SAM_INPUT_SIZE, channelOrder: 'rgb' };
  };
}

/** A click: label 1 adds the region under it, 0 removes it. Original image pixels. */
export interface SamPoint {
  x: number;
  y: number;
  label: 0 | 1;
}

export interface SamPromptInput {
  points: readonly SamPoint[];
  /** COCO [x, y, w, h] in original pixels. */
  box?: Bbox | readonly number[];
}

export interface PromptTensors {
  /** [1,N,2] flattened, in the resized image's pixels. */
  coords: Float32Array;
  /** [1,N]. */
  labels: Float32Array;
  n: number;
}

/** Point labels of the official decoder (`_embed_points`). */
export const LABEL = { negative: 0, positive: 1, boxTopLeft: 2, boxBottomRight: 3, padding: -1 } as const;

/**
 * The decoder's point inputs, as the official ONNX example builds them: the clicks, then the
 * box as its two corners labelled 2 and 3; without a box, the padding point (0, 0) labelled
 * −1. Coordinates go through `apply_coords` (x·neww/w, y·newh/h, no +0.5: the graph adds it).
 */
export function encodePrompt(prompt: SamPromptInput, width: number, height: number): PromptTensors {
  const { points, box } = prompt;
  if (!points.length && !box) throw new LwError('INVALID_ARGUMENT', 'A SAM prompt needs at least one point or a box', 'Click on the object, or give --point x,y or --box x,y,w,h.');
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || p.x < 0 || p.y < 0 || p.x > width || p.y > height)
      throw new LwError('INVALID_ARGUMENT', `The point (${p.x}, ${p.y}) is outside the ${width}×${height} image`, `Give points with 0 ≤ x ≤ ${width} and 0 ≤ y ≤ ${height}.`);
    if (p.label !== 0 && p.label !== 1) throw new LwError('INVALID_ARGUMENT', `Point label ${String(p.label)} is not 0 (remove) or 1 (add)`, 'Use 1 for a positive click and 0 for a negative one.');
  }
  const corners = box ? boxCorners(box, width, height) : [];
  const n = points.length + (box ? 2 : 1);
  const coords = new Float32Array(2 * n);
  const labels = new Float32Array(n);
  const { width: nw, height: nh } = samResizedSize(width, height);
  const fx = nw / width;
  const fy = nh / height;
  points.forEach((p, i) => {
    coords[2 * i] = p.x * fx;
    coords[2 * i + 1] = p.y * fy;
    labels[i] = p.label;
  });
  const i0 = points.length;
  if (box) {
    corners.forEach(([x, y], j) => {
      coords[2 * (i0 + j)] = x * fx;
      coords[2 * (i0 + j) + 1] = y * fy;
      labels[i0 + j] = j === 0 ? LABEL.boxTopLeft : LABEL.boxBottomRight;
    });
  } else labels[i0] = LABEL.padding; // at (0, 0)
  return { coords, labels, n };
}

/**
 * A COCO box as its two corners, as they are (upstream's `apply_boxes` does not clip, and a
 * box past the edge is a valid prompt); a box with no area, or none inside the image, is an error.
 */
function boxCorners(box: Bbox | readonly number[], width: number, height: number): [number, number][] {
  const [x, y, w, h] = box;
  if (box.length !== 4 || ![x, y, w, h].every(Number.isFinite) || !(w > 0 && h > 0))
    throw new LwError('INVALID_ARGUMENT', `The box [${box.join(', ')}] has no area`, 'Give a box x,y,w,h with positive width and height.');
  if (!(Math.min(width, x + w) > Math.max(0, x) && Math.min(height, y + h) > Math.max(0, y)))
    throw new LwError('INVALID_ARGUMENT', `The box [${box.join(', ')}] is outside the ${width}×${height} image`, 'Give a box that overlaps the image.');
  return [
    [x, y],
    [x + w, y + h],
  ];
}

/**
 * Which of the K masks to take. K = 1: the graph chose (`--return-single-mask`). K = 4: as
 * `SamOnnxModel.select_masks`, argmax of iou_k + (N − 2.5)·[1000, 0, 0, 0]_k over all N points
 * fed (the padding point included): one click or one box takes the best of masks 1–3, three
 * or more points take mask 0.
 */
export function chooseMask(iou: ArrayLike<number>, nPoints: number): number {
  if (iou.length <= 1) return 0;
  let best = 0;
  let bestScore = -Infinity;
  for (let k = 0; k < iou.length; k++) {
    const s = iou[k] + (k === 0 ? (nPoints - 2.5) * 1000 : 0);
    if (s > bestScore) {
      bestScore = s;
      best = k;
    }
  }
  return best;
}

/** The mask buffer thresholdToRle reuses (one per thread): a click allocates no full-size mask. */
let maskScratch = new Uint8Array(0);
/** Four pixels per 32-bit store put pixel i in the low byte: true on every platform Electron ships for. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * `masks[k] > mask_threshold` (0.0) for one [H,W] channel of the decoder's logits, as COCO RLE.
 * This runs at the full image size on every click, so it works on the floats' bit patterns,
 * four pixels per 32-bit store, into a buffer kept between calls (2–3× faster than a
 * compare and a byte store per pixel into a fresh mask: bench/sam-click.bench.ts). For the
 * bits b of a float, "> 0" is 0 < b ≤ 0x7f800000 (+∞ included, NaN and −0 not, as in torch).
 */
export function thresholdToRle(logits: Float32Array, offset: number, width: number, height: number): Rle {
  const n = width * height;
  if (maskScratch.length < n + 4) maskScratch = new Uint8Array(n + 4);
  const bits = new Int32Array(logits.buffer, logits.byteOffset + offset * 4, n);
  const words = new Int32Array(maskScratch.buffer, 0, (n + 3) >> 2);
  const n4 = LITTLE_ENDIAN ? n & ~3 : 0;
  for (let i = 0, j = 0; i < n4; i += 4, j++) {
    const a = bits[i];
    const b = bits[i + 1];
    const c = bits[i + 2];
    const d = bits[i + 3];
    words[j] =
      (((0 - a) & ~a & (a - 0x7f800001)) >>> 31) |
      ((((0 - b) & ~b & (b - 0x7f800001)) >>> 31) << 8) |
      ((((0 - c) & ~c & (c - 0x7f800001)) >>> 31) << 16) |
      ((((0 - d) & ~d & (d - 0x7f800001)) >>> 31) << 24);
  }
  for (let i = n4; i < n; i++) {
    const a = bits[i];
    maskScratch[i] = ((0 - a) & ~a & (a - 0x7f800001)) >>> 31;
  }
  // Encoded before returning: the buffer is reused by the next call, so no mask view escapes.
  return encodeMask({ width, height, data: maskScratch.subarray(0, n) });
}
