/**
 * GLIP postprocessing exactly as MODELS.md (ATSS + maskrcnn-benchmark conventions):
 * boxes are [x1, y1, x2, y2] in inclusive pixel indices of the preprocessed image (width = x2 − x1 + 1).
 */

export const PRE_NMS_THRESH = 0.05;
export const PRE_NMS_TOP_N = 1000;
export const NMS_THRESH = 0.6;
export const DETECTIONS_PER_IMAGE = 100;
export const DEFAULT_THRESHOLD = 0.5;
const BBOX_XFORM_CLIP = Math.log(1000 / 16);
const LOGIT_PRE_NMS = Math.log(PRE_NMS_THRESH / (1 - PRE_NMS_THRESH));

/** Anchors of one level, row-major over cells: [x1,y1,x2,y2] × h·w. */
export function levelAnchors(stride: number, h: number, w: number): Float32Array {
  const out = new Float32Array(h * w * 4);
  const s = stride;
  let k = 0;
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) {
      out[k++] = -3.5 * s + j * s;
      out[k++] = -3.5 * s + i * s;
      out[k++] = 4.5 * s - 1 + j * s;
      out[k++] = 4.5 * s - 1 + i * s;
    }
  return out;
}

/** Anchors per level size, computed once (they depend on nothing else); read-only. */
const anchorCache = new Map<string, Float32Array>();
function cachedAnchors(stride: number, h: number, w: number): Float32Array {
  const key = `${stride}:${h}:${w}`;
  let a = anchorCache.get(key);
  if (!a) {
    if (anchorCache.size >= 64) anchorCache.clear();
    a = levelAnchors(stride, h, w);
    anchorCache.set(key, a);
  }
  return a;
}

/** ATSS BoxCoder.decode for one box; `a` holds the anchor at offset `ai`. */
export function decodeBox(dx: number, dy: number, dw: number, dh: number, a: ArrayLike<number>, ai = 0): [number, number, number, number] {
  const aw = a[ai + 2] - a[ai] + 1;
  const ah = a[ai + 3] - a[ai + 1] + 1;
  const cx = (a[ai] + a[ai + 2]) / 2;
  const cy = (a[ai + 1] + a[ai + 3]) / 2;
  const ddw = Math.min(dw / 5, BBOX_XFORM_CLIP);
  const ddh = Math.min(dh / 5, BBOX_XFORM_CLIP);
  const pcx = (dx / 10) * aw + cx;
  const pcy = (dy / 10) * ah + cy;
  const pw = Math.exp(ddw) * aw;
  const ph = Math.exp(ddh) * ah;
  return [pcx - 0.5 * (pw - 1), pcy - 0.5 * (ph - 1), pcx + 0.5 * (pw - 1), pcy + 0.5 * (ph - 1)];
}

export interface Candidate {
  box: [number, number, number, number];
  score: number;
  /** Index into the caller's category list (across chunks). */
  label: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export interface LevelOutputs {
  stride: number;
  h: number;
  w: number;
  /** [4, h, w] */
  regression: Float32Array;
  /** [h, w] logits */
  centerness: Float32Array;
  /** [h·w, T] logits */
  dotLogits: Float32Array;
  tokens: number;
}

/**
 * One level: token sigmoid → per-category mean over its tokens → keep > 0.05 → × sigmoid(centerness)
 * → top 1000 → decode → sqrt → clip to the preprocessed image.
 * `tokenRanges[c]` is category c's inclusive token range; `labelOffset` shifts labels (chunks).
 */
export function levelCandidates(
  lv: LevelOutputs,
  tokenRanges: ([number, number] | null)[],
  labelOffset: number,
  ppW: number,
  ppH: number,
  preNmsTopN = PRE_NMS_TOP_N,
): Candidate[] {
  const { h, w, tokens: T, dotLogits, centerness, regression } = lv;
  const hw = h * w;
  const scores: number[] = [];
  const locs: number[] = [];
  const labels: number[] = [];
  // Locations where some category may pass: one pass over the logits rows when the categories'
  // tokens lie close together (the usual prompt), each row read once. A location is skipped
  // only if no token in the span is above logit(0.05), so no category could pass there.
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of tokenRanges)
    if (r) {
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
    }
  let hot: Int32Array | null = null;
  let nHot = hw;
  if (hi >= lo && hi - lo < 16) {
    hot = new Int32Array(hw);
    nHot = 0;
    for (let p = 0, base = 0; p < hw; p++, base += T) {
      let mx = -Infinity;
      for (let t = lo; t <= hi; t++) if (dotLogits[base + t] > mx) mx = dotLogits[base + t];
      if (mx > LOGIT_PRE_NMS) hot[nHot++] = p;
    }
  }
  for (let c = 0; c < tokenRanges.length; c++) {
    const r = tokenRanges[c];
    if (!r) continue;
    const [t0, t1] = r;
    const n = t1 - t0 + 1;
    for (let q = 0; q < nHot; q++) {
      const p = hot ? hot[q] : q;
      const base = p * T;
      // mean of sigmoids > 0.05 needs at least one token above logit(0.05): skip the rest cheaply
      let mx = -Infinity;
      for (let t = t0; t <= t1; t++) if (dotLogits[base + t] > mx) mx = dotLogits[base + t];
      if (mx <= LOGIT_PRE_NMS) continue;
      let sum = 0;
      for (let t = t0; t <= t1; t++) sum += sigmoid(dotLogits[base + t]);
      const s = sum / n;
      if (s > PRE_NMS_THRESH) {
        scores.push(s * sigmoid(centerness[p]));
        locs.push(p);
        labels.push(c);
      }
    }
  }
  const order = topKIndices(scores, preNmsTopN);
  const anchors = cachedAnchors(lv.stride, h, w);
  const out: Candidate[] = [];
  for (const k of order) {
    const p = locs[k];
    const b = decodeBox(regression[p], regression[hw + p], regression[2 * hw + p], regression[3 * hw + p], anchors, p * 4);
    b[0] = clamp(b[0], 0, ppW - 1);
    b[1] = clamp(b[1], 0, ppH - 1);
    b[2] = clamp(b[2], 0, ppW - 1);
    b[3] = clamp(b[3], 0, ppH - 1);
    out.push({ box: b, score: Math.sqrt(scores[k]), label: labels[k] + labelOffset });
  }
  return out;
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** Indices of the k largest values, descending; ties keep the lower index first (stable). */
export function topKIndices(values: ArrayLike<number>, k: number): number[] {
  const n = values.length;
  const v = Float64Array.from(values);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const sorted = orderByValueDesc(v, idx);
  return Array.from(n > k ? sorted.subarray(0, k) : sorted);
}

/**
 * `idx` sorted by v[i] descending, ties by index ascending. That is a total order on finite
 * values, so the result is the one any correct sort with the comparator
 * `v[b] − v[a] || a − b` gives; a bottom-up merge sort with the comparison inlined is several
 * times faster than Array.prototype.sort with that comparator. With a NaN or an infinity
 * (where that comparator is not a consistent order) the comparator sort itself is used.
 */
export function orderByValueDesc(v: Float64Array, idx: Int32Array): Int32Array {
  const n = idx.length;
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(v[idx[i]])) {
      const a = Array.from(idx);
      a.sort((x, y) => v[y] - v[x] || x - y);
      return Int32Array.from(a);
    }
  let src = Int32Array.from(idx);
  let dst = new Int32Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = lo + width < n ? lo + width : n;
      const hi = lo + 2 * width < n ? lo + 2 * width : n;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const a = src[i];
        const b = src[j];
        const va = v[a];
        const vb = v[b];
        if (vb > va || (vb === va && b < a)) {
          dst[k++] = b;
          j++;
        } else {
          dst[k++] = a;
          i++;
        }
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/** IoU with maskrcnn-benchmark's +1 areas. */
export function iouPlus1(a: readonly number[], b: readonly number[]): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + 1);
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + 1);
  const inter = w * h;
  const areaA = (a[2] - a[0] + 1) * (a[3] - a[1] + 1);
  const areaB = (b[2] - b[0] + 1) * (b[3] - b[1] + 1);
  return inter / (areaA + areaB - inter);
}

/**
 * Greedy NMS per category (maskrcnn-benchmark's CPU kernel: a box is suppressed when its IoU
 * with a kept box is ≥ the threshold), then the best `maxDet` overall, sorted by score
 * (ties: earlier candidate first). Unlike the published pipeline there is no kth-value cut,
 * so ties at the boundary never let more than `maxDet` through.
 */
export function nmsAndTop(cands: Candidate[], thresh = NMS_THRESH, maxDet = DETECTIONS_PER_IMAGE): Candidate[] {
  const byLabel = new Map<number, number[]>();
  cands.forEach((c, i) => {
    let l = byLabel.get(c.label);
    if (!l) byLabel.set(c.label, (l = []));
    l.push(i);
  });
  const scores = new Float64Array(cands.length);
  for (let i = 0; i < cands.length; i++) scores[i] = cands[i].score;
  const kept: number[] = [];
  for (const unsorted of byLabel.values()) {
    const idx = orderByValueDesc(scores, Int32Array.from(unsorted));
    const suppressed = new Uint8Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      if (suppressed[i]) continue;
      kept.push(idx[i]);
      const bi = cands[idx[i]].box;
      for (let j = i + 1; j < idx.length; j++) if (!suppressed[j] && iouPlus1(bi, cands[idx[j]].box) >= thresh) suppressed[j] = 1;
    }
  }
  const order = orderByValueDesc(scores, Int32Array.from(kept));
  return Array.from(order.subarray(0, maxDet), (i) => cands[i]);
}

/** Scales a box from the preprocessed image to the original one and converts it to COCO [x, y, w, h] (+1). */
export function toCocoBox(box: readonly number[], ppW: number, ppH: number, origW: number, origH: number): [number, number, number, number] {
  const rw = origW / ppW;
  const rh = origH / ppH;
  const x1 = box[0] * rw;
  const y1 = box[1] * rh;
  const x2 = box[2] * rw;
  const y2 = box[3] * rh;
  return [x1, y1, x2 - x1 + 1, y2 - y1 + 1];
}
