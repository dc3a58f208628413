/**
 * Connected components of a binary mask: classic two-pass labelling with union-find on
 * typed arrays (no per-pixel objects). Used to split a class mask into instances and by the
 * contour tracer to tell which component a contour belongs to.
 *
 * Labels are numbered 1..count in raster order of each component's first pixel (top row
 * first, then left to right), so results are deterministic.
 */
import type { BinaryMask } from './types';

export interface ComponentLabels {
  /** Row-major, 0 for background, 1..count for the component of each foreground pixel. */
  labels: Int32Array;
  count: number;
}

export function labelComponents(mask: BinaryMask, connectivity: 4 | 8 = 8): ComponentLabels {
  const { width: w, height: h, data } = mask;
  if (connectivity !== 4 && connectivity !== 8)
    throw new Error(`connectivity must be 4 or 8, got ${connectivity}`);
  if (data.length !== w * h) throw new Error(`mask data has ${data.length} bytes, expected ${w}×${h}`);
  const labels = new Int32Array(w * h);
  // A new provisional label needs a background (or missing) left neighbour, so a row has at
  // most ceil(w/2) of them.
  const parent = new Int32Array(h * ((w + 1) >> 1) + 1);
  let next = 1;
  const eight = connectivity === 8;

  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      if (data[i] === 0) continue;
      let l = 0;
      if (x > 0 && labels[i - 1]) l = labels[i - 1];
      if (y > 0) {
        const up = labels[i - w];
        if (up) l = l ? union(parent, l, up) : up;
        if (eight) {
          if (x > 0 && labels[i - w - 1]) l = l ? union(parent, l, labels[i - w - 1]) : labels[i - w - 1];
          if (x + 1 < w && labels[i - w + 1]) l = l ? union(parent, l, labels[i - w + 1]) : labels[i - w + 1];
        }
      }
      if (!l) {
        l = next++;
        parent[l] = l;
      }
      labels[i] = l;
    }
  }

  // Final labels in order of first appearance: a provisional label is always created before
  // any label merged into it is seen, so scanning provisional labels in order works.
  const final = new Int32Array(next);
  let count = 0;
  for (let l = 1; l < next; l++) {
    const r = find(parent, l);
    if (r === l) final[l] = ++count;
  }
  for (let l = 1; l < next; l++) final[l] = final[find(parent, l)];
  for (let i = 0; i < labels.length; i++) if (labels[i]) labels[i] = final[labels[i]];
  return { labels, count };
}

/**
 * One full-size mask per connected component, in raster order of first pixel. Each result
 * is width×height bytes; for masks with thousands of specks use labelComponents instead.
 */
export function connectedComponents(mask: BinaryMask, connectivity: 4 | 8): BinaryMask[] {
  const { labels, count } = labelComponents(mask, connectivity);
  const out: BinaryMask[] = [];
  for (let c = 0; c < count; c++)
    out.push({ width: mask.width, height: mask.height, data: new Uint8Array(labels.length) });
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l) out[l - 1].data[i] = 1;
  }
  return out;
}

function find(parent: Int32Array, x: number): number {
  let r = x;
  while (parent[r] !== r) r = parent[r];
  // Path compression keeps later finds O(1)-ish.
  while (parent[x] !== r) {
    const n = parent[x];
    parent[x] = r;
    x = n;
  }
  return r;
}

/** Joins two sets, keeping the smaller root so a root is always its set's earliest label. */
function union(parent: Int32Array, a: number, b: number): number {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra === rb) return ra;
  if (ra < rb) {
    parent[rb] = ra;
    return ra;
  }
  parent[ra] = rb;
  return rb;
}
