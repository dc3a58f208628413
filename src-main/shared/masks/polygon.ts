/**
 * COCO polygon rasterisation with pycocotools' exact semantics (rleFrPoly, frPyObjects and
 * merge in maskApi.c / _mask.pyx), so the areas and masks we store for imported polygons
 * are the ones every COCO evaluator computes.
 *
 * What rleFrPoly does, and why it matters here:
 *  1. Vertices are scaled by 5 and rounded with a C cast, (int)(5v + .5), which truncates
 *     toward zero (Math.trunc, not Math.round/floor, for negative coordinates).
 *  2. Each edge is walked on that 5x grid, one point per step along its longer axis; the
 *     other coordinate is (int)(start + slope*t + .5), in the same double arithmetic.
 *  3. Whenever the walk crosses from column 5n+2 to 5n+3 (the centre of pixel column n) it
 *     records a boundary in column n at row ceil((min(v, v_prev) + .5)/5 - .5), clamped to
 *     [0, h]: the first pixel whose centre lies below the edge.
 *  4. Boundaries become column-major positions x*h + y; sorted, each one toggles the pixel
 *     value from there on (pairs at the same position cancel). That is the even-odd rule on
 *     pixel centres, up to the 1/5-pixel rounding; a centre exactly on a left/top edge is
 *     out, on a right/bottom edge in.
 * A polygon list is rasterised one polygon at a time and the results are unioned (merge),
 * so separate polygons never cut holes in each other; a hole needs a keyhole polygon.
 *
 * Unlike maskApi.c we do not materialise the upsampled points: the walk is streamed.
 */
import type { Rle } from '../contract';
import { countsToString } from './rle-string';
import { mergeCounts } from './rle-merge';

const SCALE = 5;
/** pycocotools' (int) casts overflow past ~4e8; no real image is near this, so reject early. */
const MAX_COORD = 1e7;

/** One polygon [x1, y1, x2, y2, ...] -> column-major counts, exactly as rleFrPoly. */
export function polygonCounts(xy: ArrayLike<number>, h: number, w: number): Uint32Array {
  const k = xy.length >> 1;
  const px = new Int32Array(k + 1);
  const py = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) {
    px[j] = Math.trunc(SCALE * xy[2 * j] + 0.5);
    py[j] = Math.trunc(SCALE * xy[2 * j + 1] + 0.5);
  }
  px[k] = px[0];
  py[k] = py[0];

  // Column boundaries as column-major positions; grown as needed.
  let pos = new Float64Array(64);
  let np = 0;
  const push = (p: number): void => {
    if (np === pos.length) {
      const g = new Float64Array(pos.length * 2);
      g.set(pos);
      pos = g;
    }
    pos[np++] = p;
  };

  let hasPrev = false;
  let pu = 0;
  let pv = 0;
  // Step 3 for consecutive upsampled points (pu, pv) -> (u, v).
  const visit = (u: number, v: number): void => {
    if (hasPrev && u !== pu) {
      let xd = u < pu ? u : u - 1;
      xd = (xd + 0.5) / SCALE - 0.5;
      if (Math.floor(xd) === xd && xd >= 0 && xd <= w - 1) {
        let yd = v < pv ? v : pv;
        yd = (yd + 0.5) / SCALE - 0.5;
        if (yd < 0) yd = 0;
        else if (yd > h) yd = h;
        yd = Math.ceil(yd);
        push(xd * h + yd);
      }
    }
    hasPrev = true;
    pu = u;
    pv = v;
  };

  for (let j = 0; j < k; j++) {
    let xs = px[j];
    let xe = px[j + 1];
    let ys = py[j];
    let ye = py[j + 1];
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    // Points are always generated from the lower end of the major axis; `flip` replays them
    // from the edge's real start so the walk stays continuous.
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      let t = xs;
      xs = xe;
      xe = t;
      t = ys;
      ys = ye;
      ye = t;
    }
    if (dx >= dy) {
      // dx = dy = 0 (a repeated vertex) gives 0/0 in C; its single point repeats the previous
      // u, so the slope is never used and 0 is as good as NaN.
      const s = dx === 0 ? 0 : (ye - ys) / dx;
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        visit(t + xs, Math.trunc(ys + s * t + 0.5));
      }
    } else {
      const s = (xe - xs) / dy;
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        visit(Math.trunc(xs + s * t + 0.5), t + ys);
      }
    }
  }

  // Step 4: sorted boundaries -> run lengths; equal boundaries cancel in pairs. This is
  // maskApi.c's loop verbatim, including where the cancelled gap is added.
  const a = new Float64Array(np + 1);
  a.set(pos.subarray(0, np));
  a[np] = h * w;
  a.sort();
  const kk = np + 1;
  let prev = 0;
  for (let j = 0; j < kk; j++) {
    const t = a[j];
    a[j] -= prev;
    prev = t;
  }
  const b = new Uint32Array(kk);
  let m = 0;
  let j = 0;
  b[m++] = a[j++];
  while (j < kk) {
    if (a[j] > 0) b[m++] = a[j++];
    else {
      j++;
      if (j < kk) b[m - 1] += a[j++];
    }
  }
  return b.slice(0, m);
}

/** Column-major counts of the union of polygons, as pycocotools merge(frPyObjects(polys, h, w)). */
export function polygonsCounts(
  polygons: readonly (readonly number[])[],
  height: number,
  width: number,
): Uint32Array {
  if (!(Number.isInteger(height) && Number.isInteger(width) && height >= 0 && width >= 0))
    throw new Error(`image size must be non-negative integers, got ${height}×${width}`);
  if (!Array.isArray(polygons)) throw new Error('polygons must be an array of [x1, y1, x2, y2, ...] arrays');
  const parts: Uint32Array[] = [];
  for (let i = 0; i < polygons.length; i++) {
    const p = polygons[i];
    validatePolygon(p, i);
    parts.push(polygonCounts(p, height, width));
  }
  if (parts.length === 0) return Uint32Array.of(height * width);
  return mergeCounts(parts, false);
}

/** COCO polygons -> compressed RLE of their union, identical to pycocotools. */
export function rasterizePolygons(
  polygons: readonly (readonly number[])[],
  height: number,
  width: number,
): Rle {
  return { size: [height, width], counts: countsToString(polygonsCounts(polygons, height, width)) };
}

/** Counts of a box [x, y, w, h] rasterised like pycocotools frBbox (a 4-vertex polygon). */
export function bboxCounts(bbox: readonly number[], height: number, width: number): Uint32Array {
  const [x, y, bw, bh] = bbox;
  const xe = x + bw;
  const ye = y + bh;
  const xy = [x, y, x, ye, xe, ye, xe, y];
  validatePolygon(xy, 0, 'bbox');
  return polygonCounts(xy, height, width);
}

function validatePolygon(p: unknown, i: number, what = `polygon ${i}`): asserts p is number[] {
  if (!Array.isArray(p))
    throw new Error(`${what} must be an array of numbers [x1, y1, x2, y2, ...], got ${typeof p}`);
  if (p.length % 2 !== 0)
    throw new Error(`${what} has an odd number of coordinates (${p.length}); expected x, y pairs`);
  if (p.length < 6)
    throw new Error(`${what} has ${p.length / 2} points; a polygon needs at least 3 (6 numbers)`);
  for (let j = 0; j < p.length; j++) {
    const v = p[j];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new Error(
        `${what} coordinate ${j} is ${typeof v === 'number' ? v : JSON.stringify(v)}, not a finite number`,
      );
    if (Math.abs(v) > MAX_COORD) throw new Error(`${what} coordinate ${j} is ${v}, beyond ±${MAX_COORD}`);
  }
}
