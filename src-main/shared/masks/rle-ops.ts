/**
 * Measurements and set operations on RLEs, computed on the runs (no decoding), with
 * pycocotools' definitions so our numbers agree with COCO evaluation.
 */
import type { Bbox, Rle } from '../contract';
import { bboxCounts } from './polygon';
import { countsOf } from './rle';
import { mergeCounts, sumCounts } from './rle-merge';
import { countsToString } from './rle-string';
import type { Counts, UncompressedRle } from './types';

type AnyRle = Rle | UncompressedRle;

/** Number of foreground pixels: the sum of the odd-indexed runs. */
export function rleArea(rle: AnyRle | Counts): number {
  const c = countsOf(rle);
  let a = 0;
  for (let j = 1; j < c.length; j += 2) a += c[j];
  return a;
}

/**
 * Tight box [x, y, w, h] of the foreground, as pycocotools rleToBbox: [0, 0, 0, 0] when
 * empty. It looks only at where each run of ones starts and ends; a run that wraps into a
 * later column covers the bottom of one column and the top of the next, so the box spans
 * the full height.
 */
export function rleBbox(rle: AnyRle): Bbox;
export function rleBbox(counts: Counts, height: number, width: number): Bbox;
export function rleBbox(rle: AnyRle | Counts, height?: number, width?: number): Bbox {
  let h: number;
  let w: number;
  if (height !== undefined && width !== undefined) {
    h = height;
    w = width;
  } else if (!(rle instanceof Uint32Array) && !Array.isArray(rle)) {
    h = (rle as AnyRle).size[0];
    w = (rle as AnyRle).size[1];
  } else throw new Error('rleBbox(counts) needs the height and width');
  const c = countsOf(rle);
  const m = c.length & ~1; // a trailing run of zeros adds nothing
  if (m === 0 || h === 0 || w === 0) return [0, 0, 0, 0];
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc += c[j];
    // Even j: first pixel of the ones run; odd j: its last pixel. maskApi.c does this in
    // uint arithmetic, so an empty run at position 0 wraps around; keep that.
    const t = (cc - (j & 1)) >>> 0;
    const y = t % h;
    const x = (t - y) / h;
    if ((j & 1) === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    if (x < xs) xs = x;
    if (x > xe) xe = x;
    if (y < ys) ys = y;
    if (y > ye) ye = y;
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

/**
 * Intersection over union of two same-sized RLEs, walking both run lists together (as
 * pycocotools rleIou). With `crowd`, the denominator is the area of `a` alone, which is how
 * COCO scores a detection `a` against an iscrowd ground truth `b`. 0 when they do not meet.
 */
export function rleIou(a: AnyRle, b: AnyRle, crowd = false): number {
  checkSameSize(a, b);
  const A = countsOf(a);
  const B = countsOf(b);
  // Unequal totals would stall the lock-step walk below.
  if (sumCounts(A) !== sumCounts(B))
    throw new Error(
      `RLE run lengths sum to ${sumCounts(A)} and ${sumCounts(B)}; they must cover the same image`,
    );
  const ka = A.length;
  const kb = B.length;
  let ca = ka ? A[0] : 0;
  let cb = kb ? B[0] : 0;
  let va = false;
  let vb = false;
  let ia = 1;
  let ib = 1;
  let inter = 0;
  let union = 0;
  let ct = 1;
  while (ct > 0) {
    const c = ca < cb ? ca : cb;
    if (va || vb) {
      union += c;
      if (va && vb) inter += c;
    }
    ct = 0;
    ca -= c;
    if (!ca && ia < ka) {
      ca = A[ia++];
      va = !va;
    }
    ct += ca;
    cb -= c;
    if (!cb && ib < kb) {
      cb = B[ib++];
      vb = !vb;
    }
    ct += cb;
  }
  if (inter === 0) return 0;
  return inter / (crowd ? rleArea(A) : union);
}

/** Union (or with `intersect`, intersection) of same-sized RLEs, as pycocotools merge. */
export function rleMerge(list: readonly AnyRle[], intersect = false): Rle {
  if (list.length === 0) throw new Error('rleMerge needs at least one RLE');
  for (let i = 1; i < list.length; i++) checkSameSize(list[0], list[i]);
  const [h, w] = list[0].size;
  return { size: [h, w], counts: countsToString(mergeCounts(list.map(countsOf), intersect)) };
}

/** The box [x, y, w, h] as an RLE, rasterised like pycocotools frBbox. */
export function rleFromBbox(bbox: Bbox | readonly number[], height: number, width: number): Rle {
  return { size: [height, width], counts: countsToString(bboxCounts(bbox, height, width)) };
}

/**
 * The mask with everything outside `bbox` cleared, same image size (so it stays comparable
 * with the other masks of the image). The box is rasterised as pycocotools frBbox does, so
 * fractional detection boxes keep the pixels whose centres they cover. This is how a class
 * mask gets cut down to one detection.
 */
export function rleCrop(rle: AnyRle, bbox: Bbox | readonly number[]): Rle {
  const h = rle.size[0];
  const w = rle.size[1];
  const box = bboxCounts(bbox, h, w);
  return { size: [h, w], counts: countsToString(mergeCounts([countsOf(rle), box], true)) };
}

function checkSameSize(a: AnyRle, b: AnyRle): void {
  if (a.size[0] !== b.size[0] || a.size[1] !== b.size[1])
    throw new Error(
      `RLE sizes differ: ${a.size[0]}×${a.size[1]} vs ${b.size[0]}×${b.size[1]} (height×width)`,
    );
}
