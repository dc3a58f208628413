/**
 * The polygon tool's pure geometry: rings as flat [x1, y1, x2, y2, ...] arrays in image
 * pixels (COCO's continuous frame), their areas, hit tests, simplification, and the way back
 * to a mask. Masks stay COCO RLE in the store, so every polygon edit ends in a raster:
 * - each ring is rasterised exactly as pycocotools' frPyObjects does (polygonCounts, the
 *   common layer's);
 * - the rings of one outline combine by the even-odd rule (XOR of their rasters), so a hole
 *   traced from a mask stays a hole, and an island in a hole stays an island. An untouched
 *   traced ring runs along pixel edges and rasterises back to exactly its pixels.
 */
import { countsToString, polygonCounts, traceContours, type BinaryMask } from '../../../../src-main/shared/masks';
import type { Rle } from '../../../../src-main/shared/contract';
import type { Point } from '../geometry';

/** Signed shoelace area of a ring (positive clockwise on screen, y down). */
export function shoelace(ring: readonly number[]): number {
  let s = 0;
  const n = ring.length;
  for (let i = 0; i < n; i += 2) {
    const j = (i + 2) % n;
    s += ring[i] * ring[j + 1] - ring[j] * ring[i + 1];
  }
  return s / 2;
}

/**
 * The raster of several rings combined by even-odd: every ring's raster toggles the pixels it
 * covers. Each raster is a run list whose boundaries are the positions where the value flips;
 * the XOR flips at every position an odd number of rings flip at.
 */
export function ringsToCounts(rings: readonly (readonly number[])[], height: number, width: number): number[] {
  const total = height * width;
  const flips: number[] = [];
  for (const ring of rings) {
    if (ring.length < 6) continue;
    const c = polygonCounts(ring, height, width);
    let pos = 0;
    for (let i = 0; i < c.length - 1; i++) {
      pos += c[i];
      flips.push(pos);
    }
  }
  flips.sort((a, b) => a - b);
  const counts: number[] = [];
  let prev = 0;
  for (let i = 0; i < flips.length; ) {
    let j = i;
    while (j < flips.length && flips[j] === flips[i]) j++;
    if ((j - i) % 2 === 1 && flips[i] < total) {
      counts.push(flips[i] - prev);
      prev = flips[i];
    }
    i = j;
  }
  counts.push(total - prev);
  return counts;
}

/** The mask of rings combined by even-odd, as compressed COCO RLE. */
export function ringsToRle(rings: readonly (readonly number[])[], height: number, width: number): Rle {
  return { size: [height, width], counts: countsToString(ringsToCounts(rings, height, width)) };
}

/** Pixel area of a run list (the odd runs are set). */
export function countsArea(counts: readonly number[]): number {
  let a = 0;
  for (let i = 1; i < counts.length; i += 2) a += counts[i];
  return a;
}

/** Squared distance from p to the segment a→b, and where on it the nearest point lies (0..1). */
function segmentDistance(p: Point, ax: number, ay: number, bx: number, by: number): { d2: number; t: number } {
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 ? Math.min(1, Math.max(0, ((p.x - ax) * dx + (p.y - ay) * dy) / len2)) : 0;
  const x = ax + dx * t - p.x,
    y = ay + dy * t - p.y;
  return { d2: x * x + y * y, t };
}

/**
 * Douglas–Peucker on a closed ring: the fewest vertices within `tolerance` px of the ring.
 * A traced mask outline is a staircase of pixel corners; simplified, a drawn hexagon shows
 * its six corners again rather than hundreds of steps.
 */
export function simplifyRing(ring: readonly number[], tolerance: number): number[] {
  const n = ring.length / 2;
  if (n <= 4) return ring.slice();
  // Split at the vertex farthest from the first, so both halves are open polylines.
  let far = 0,
    best = -1;
  for (let i = 1; i < n; i++) {
    const d = (ring[2 * i] - ring[0]) ** 2 + (ring[2 * i + 1] - ring[1]) ** 2;
    if (d > best) {
      best = d;
      far = i;
    }
  }
  const keep = new Uint8Array(n);
  keep[0] = keep[far] = 1;
  const tol2 = tolerance * tolerance;
  const stack: [number, number][] = [
    [0, far],
    [far, n],
  ];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const bi = b % n;
    let idx = -1,
      max = tol2;
    for (let i = a + 1; i < b; i++) {
      const { d2 } = segmentDistance(
        { x: ring[2 * i], y: ring[2 * i + 1] },
        ring[2 * a],
        ring[2 * a + 1],
        ring[2 * bi],
        ring[2 * bi + 1],
      );
      if (d2 > max) {
        max = d2;
        idx = i;
      }
    }
    if (idx >= 0) {
      keep[idx] = 1;
      stack.push([a, idx], [idx, b]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(ring[2 * i], ring[2 * i + 1]);
  return out;
}

/**
 * A mask's outline as the polygon tool edits it: `exact` are the traced rings (outer
 * boundaries and holes, along pixel edges), `shown` the same rings simplified, with the
 * vertices a person drags. An edit replaces one shown ring; the others keep their exact
 * pixels when the outline is rasterised back.
 */
export interface Outline {
  exact: number[][];
  shown: number[][];
}

/**
 * How far (px) a shown ring may stray from the mask's pixel edges. A straight edge drawn in
 * pixels is a staircase whose corners stray up to about a pixel from it; 1.5 px keeps a
 * drawn hexagon's corners (9 vertices for one of radius 70, against 304 traced) and no more.
 */
export const SIMPLIFY_TOLERANCE = 1.5;

export function outlineOf(mask: BinaryMask): Outline {
  const exact: number[][] = [];
  for (const set of traceContours(mask)) exact.push(set.outer, ...set.holes);
  return { exact, shown: exact.map((r) => simplifyRing(r, SIMPLIFY_TOLERANCE)) };
}

/** The rings to rasterise after ring `edited` became `ring` (null: the ring was removed). */
export function editedRings(o: Outline, edited: number, ring: number[] | null): number[][] {
  const out: number[][] = [];
  o.exact.forEach((r, i) => {
    if (i !== edited) out.push(r);
    else if (ring && ring.length >= 6) out.push(ring);
  });
  return out;
}

export interface VertexHit {
  ring: number;
  index: number;
}

/** The vertex within `tolerance` px of p (the nearest), if any. */
export function hitVertex(rings: readonly (readonly number[])[], p: Point, tolerance: number): VertexHit | null {
  let best: VertexHit | null = null,
    bestD = tolerance * tolerance;
  rings.forEach((r, ring) => {
    for (let i = 0; i < r.length; i += 2) {
      const d = (r[i] - p.x) ** 2 + (r[i + 1] - p.y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = { ring, index: i / 2 };
      }
    }
  });
  return best;
}

/** The edge within `tolerance` px of p: the index of its first vertex, and the nearest point on it. */
export function hitEdge(
  rings: readonly (readonly number[])[],
  p: Point,
  tolerance: number,
): (VertexHit & { point: Point }) | null {
  let best: (VertexHit & { point: Point }) | null = null,
    bestD = tolerance * tolerance;
  rings.forEach((r, ring) => {
    const n = r.length / 2;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const { d2, t } = segmentDistance(p, r[2 * i], r[2 * i + 1], r[2 * j], r[2 * j + 1]);
      if (d2 <= bestD) {
        bestD = d2;
        best = {
          ring,
          index: i,
          point: { x: r[2 * i] + (r[2 * j] - r[2 * i]) * t, y: r[2 * i + 1] + (r[2 * j + 1] - r[2 * i + 1]) * t },
        };
      }
    }
  });
  return best;
}

/** A copy of `ring` with vertex `index` at p. */
export function withVertex(ring: readonly number[], index: number, p: Point): number[] {
  const out = ring.slice();
  out[2 * index] = p.x;
  out[2 * index + 1] = p.y;
  return out;
}

/** A copy of `ring` with p inserted after vertex `index`. */
export function insertVertex(ring: readonly number[], index: number, p: Point): number[] {
  const out = ring.slice();
  out.splice(2 * index + 2, 0, p.x, p.y);
  return out;
}

/** A copy of `ring` without vertex `index` (null when fewer than three would remain). */
export function removeVertex(ring: readonly number[], index: number): number[] | null {
  if (ring.length <= 6) return null;
  const out = ring.slice();
  out.splice(2 * index, 2);
  return out;
}
