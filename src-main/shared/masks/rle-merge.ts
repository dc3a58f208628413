/**
 * Union / intersection of RLEs on their runs (pycocotools rleMerge), never decoding a pixel.
 * Two run lists are walked in lock-step, always advancing by the shorter remaining run; the
 * output gets a new run whenever the combined value flips. Same loop as maskApi.c, so the
 * counts (and their string) match pycocotools exactly, including a leading 0 run.
 */
import type { Counts } from './types';

export function mergeCounts(list: readonly Counts[], intersect = false): Uint32Array {
  if (list.length === 0) throw new Error('mergeCounts needs at least one RLE');
  // Unequal totals would also stall the lock-step walk below.
  const total = sumCounts(list[0]);
  for (let i = 1; i < list.length; i++) {
    const t = sumCounts(list[i]);
    if (t !== total) throw new Error(`cannot merge RLEs of different sizes: runs sum to ${total} and ${t}`);
  }
  // maskApi.c folds left to right, which is quadratic in the number of inputs (each step
  // rewalks the growing result). Merging in a balanced tree gives the same counts: the
  // union/intersection is associative and its canonical run list is unique, and mergeTwo
  // emits canonical run lists (no empty runs except a leading one) from canonical inputs,
  // which is all that our encoders and rleFrPoly produce.
  let level: Counts[] = list.slice();
  while (level.length > 1) {
    const next: Counts[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(mergeTwo(level[i], level[i + 1], intersect));
    if (level.length % 2) next.push(level[level.length - 1]);
    level = next;
  }
  const acc = level[0];
  return acc instanceof Uint32Array ? (list.length === 1 ? acc.slice() : acc) : Uint32Array.from(acc);
}

function mergeTwo(A: Counts, B: Counts, intersect: boolean): Uint32Array {
  const am = A.length;
  const bm = B.length;
  // Each output run ends at a run end of A or B.
  const out = new Uint32Array(am + bm + 1);
  let m = 0;
  let ca = am ? A[0] : 0;
  let cb = bm ? B[0] : 0;
  let va = false;
  let vb = false;
  let v: boolean = false;
  let a = 1;
  let b = 1;
  let cc = 0;
  let ct = 1;
  while (ct > 0) {
    const c = ca < cb ? ca : cb;
    cc += c;
    ct = 0;
    ca -= c;
    if (!ca && a < am) {
      ca = A[a++];
      va = !va;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < bm) {
      cb = B[b++];
      vb = !vb;
    }
    ct += cb;
    const vp: boolean = v;
    v = intersect ? va && vb : va || vb;
    if (v !== vp || ct === 0) {
      out[m++] = cc;
      cc = 0;
    }
  }
  return out.slice(0, m);
}

export function sumCounts(c: Counts): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i];
  return s;
}
