/**
 * Decoded slots → detections (MODELS.md § Pix2seq "Objects"): dequantise, scale back to the
 * original image, clip, and filter (zero size, unknown class, category not asked for, score).
 */
import type { Bbox, Detection } from '../../shared/contract';
import type { AdapterCategory } from '../types';
import { dequantise } from './decode';
import type { Pix2seqParams } from './params';

/** What the decoding loop produces: 5 tokens per slot, and each slot's class and score. */
export interface DecodedSlots {
  tokens: Int32Array;
  classIds: Int32Array;
  scores: Float32Array;
  /** Number of slots decoded (tokens.length ≥ 5·count). */
  count: number;
}

/** The size the image had before and after resizing (the padded canvas is S×S). */
export interface ImageGeometry {
  origWidth: number;
  origHeight: number;
  ppWidth: number;
  ppHeight: number;
}

export interface RawObject {
  classId: number;
  score: number;
  /** COCO [x, y, w, h] in original pixels, continuous. */
  bbox: Bbox;
}

/** Every slot as an object in original pixels; zero-size boxes (after clipping) are dropped. */
export function slotsToObjects(slots: DecodedSlots, geo: ImageGeometry, p: Pix2seqParams): RawObject[] {
  const S = p.imageSize;
  const ky = (S * geo.origHeight) / geo.ppHeight;
  const kx = (S * geo.origWidth) / geo.ppWidth;
  const clip = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  const out: RawObject[] = [];
  for (let k = 0; k < slots.count; k++) {
    const t = 5 * k;
    const deq = (i: number) => dequantise(slots.tokens[t + i], p.coordShift, p.bins);
    const y0 = clip(deq(0) * ky, geo.origHeight);
    const x0 = clip(deq(1) * kx, geo.origWidth);
    const y1 = clip(deq(2) * ky, geo.origHeight);
    const x1 = clip(deq(3) * kx, geo.origWidth);
    const w = x1 - x0;
    const h = y1 - y0;
    if (!(w > 0 && h > 0)) continue;
    out.push({ classId: slots.classIds[k], score: slots.scores[k], bbox: [x0, y0, w, h] });
  }
  return out;
}

const norm = (s: string) => s.trim().toLowerCase();

/** The category a class name maps to: by name or by prompt text, case-insensitively. */
export function categoryForLabel(label: string, categories: readonly AdapterCategory[]): AdapterCategory | undefined {
  const want = norm(label);
  return categories.find((c) => norm(c.name) === want) ?? categories.find((c) => c.prompt !== undefined && norm(c.prompt) === want);
}

export interface MatchedObjects {
  detections: Detection[];
  /** Objects of a known class that no category asked for, per class name (those at or above scoreThreshold). */
  unmatched: Record<string, number>;
}

/** Applies labels, categories and thresholds; optional per-class NMS (params.nmsIou). */
export function matchObjects(objects: readonly RawObject[], labels: ReadonlyMap<number, string>, categories: readonly AdapterCategory[], p: Pix2seqParams): MatchedObjects {
  const unmatched: Record<string, number> = {};
  const byLabel = new Map<string, AdapterCategory | undefined>();
  let dets: Detection[] = [];
  for (const o of objects) {
    const label = labels.get(o.classId);
    if (label === undefined) continue;
    if (!byLabel.has(label)) byLabel.set(label, categoryForLabel(label, categories));
    const cat = byLabel.get(label);
    if (!cat) {
      if (o.score >= p.scoreThreshold) unmatched[label] = (unmatched[label] ?? 0) + 1;
      continue;
    }
    if (o.score < (cat.threshold ?? p.scoreThreshold)) continue;
    dets.push({ categoryId: cat.id, bbox: o.bbox, score: o.score, phrase: label });
  }
  if (p.nmsIou !== undefined) dets = nmsPerCategory(dets, p.nmsIou);
  return { detections: dets, unmatched };
}

function iou(a: Bbox, b: Bbox): number {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

/** Greedy NMS per category, highest score first (stable). */
export function nmsPerCategory(dets: readonly Detection[], threshold: number): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) if (!kept.some((k) => k.categoryId === d.categoryId && iou(k.bbox, d.bbox) > threshold)) kept.push(d);
  return kept;
}
