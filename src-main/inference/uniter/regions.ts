/**
 * UNITER's region rules (MODELS.md § UNITER): which detector regions are kept, and the 7
 * position features each kept region carries. Upstream: ChenRocks/UNITER `data/data.py`
 * (`_compute_nbb`: clamp(count(conf > conf_th), min_bb, max_bb)) and the normalised boxes its
 * feature conversion stores (x1/W, y1/H, x2/W, y2/H, w/W, h/H), to which `_get_img_feat`
 * appends the area (w/W)·(h/H).
 */

/** Upstream defaults (UNITER's ITM configs: conf_th 0.2, min_bb 10, max_bb 100). */
export const REGION_RULES = { confThreshold: 0.2, minRegions: 10, maxRegions: 100 } as const;

export type RegionRules = { confThreshold: number; minRegions: number; maxRegions: number };

/**
 * Indices of the regions to keep, best first: sorted by score descending (stable, so ties keep
 * the detector's order), the first clamp(count(score > conf), min, max) of them, or all of them
 * when the detector returned fewer than min.
 * (Upstream slices its stored regions without sorting; the same result when the detector
 * returns them best first, as detectron2's NMS + top-k does.)
 */
export function selectRegions(scores: ArrayLike<number>, rules: RegionRules = REGION_RULES): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  // Array.prototype.sort is stable; NaN scores sort last.
  order.sort((a, b) => key(scores[b]) - key(scores[a]));
  let above = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] > rules.confThreshold) above++;
  const keep = Math.min(Math.max(above, rules.minRegions), rules.maxRegions);
  return order.slice(0, Math.min(keep, scores.length));
}

const key = (s: number) => (Number.isNaN(s) ? -Infinity : s);

/**
 * The 7 position features of boxes [x1, y1, x2, y2] in original pixels on a W × H image:
 * [x1/W, y1/H, x2/W, y2/H, (x2 − x1)/W, (y2 − y1)/H, ((x2 − x1)/W)·((y2 − y1)/H)].
 */
export function positionFeatures(boxes: ArrayLike<number>, indices: readonly number[], width: number, height: number): Float32Array {
  const out = new Float32Array(indices.length * 7);
  indices.forEach((r, k) => {
    const x1 = boxes[4 * r] / width;
    const y1 = boxes[4 * r + 1] / height;
    const x2 = boxes[4 * r + 2] / width;
    const y2 = boxes[4 * r + 3] / height;
    const w = x2 - x1;
    const h = y2 - y1;
    out.set([x1, y1, x2, y2, w, h, w * h], 7 * k);
  });
  return out;
}
