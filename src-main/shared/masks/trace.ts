/**
 * Mask -> polygons, for polygon export.
 *
 * Contours run along pixel boundaries ("crack" edges), so vertices are integer corner
 * coordinates in COCO's continuous frame, and only corners are kept (no collinear points).
 * Every boundary edge is directed with the foreground on its right (in image coordinates,
 * y down): outer contours come out clockwise on screen (positive shoelace area), holes
 * counter-clockwise (negative), which is also what non-zero fill rules expect.
 *
 * Connectivity: foreground is 8-connected by default (what most annotation tools and
 * OpenCV's findContours do), so diagonal pixels form one component and one contour that
 * touches itself at the shared corner; background is then 4-connected, so a hole is a
 * 4-connected background region. At a corner where two foreground pixels meet diagonally
 * (a "saddle") the walk turns towards the other pixel for 8-connectivity and away from it
 * for 4-connectivity; everywhere else the next edge is forced.
 *
 * Why these polygons rasterise back exactly with pycocotools (see polygon.ts): its walk
 * only records crossings of pixel-centre columns, so vertical edges at integer x produce
 * none, and a horizontal edge at integer y toggles exactly the pixels below it. A polygon
 * made of pixel-boundary edges therefore reproduces its pixels under the even-odd rule with
 * no rounding at all. maskToCocoPolygons joins holes with vertical bridges for this reason.
 */
import type { BinaryMask } from './types';

export interface ContourSet {
  /** Outer boundary, [x1, y1, x2, y2, ...], clockwise on screen. */
  outer: number[];
  /** Boundaries of the background regions enclosed by this component, counter-clockwise. */
  holes: number[][];
}

interface Loop {
  pts: number[];
  /** Twice the signed area: > 0 outer, < 0 hole. */
  area2: number;
}

interface Traced {
  /** In discovery order (raster order of each loop's top-left edge), so outer loops come in
   * raster order of their component's first pixel. */
  loops: Loop[];
  /** Per horizontal unit edge (boundary row vy, column x): 1 + index into loops, 0 if none.
   * Zero-initialised and written only along contours, so untouched pages cost nothing. */
  edgeLoop: Int32Array;
  /** ... and the index of the loop vertex that starts the straight segment holding it. */
  edgeSeg: Int32Array;
  /** The mask with a 1-pixel background frame, raw bytes (non-zero = foreground):
   * pixel (x, y) is pad[(y+1)*pw + x+1], pw a multiple of 4 so rows can be read as words. */
  pad: Uint8Array;
  pw: number;
}

// Directions: 0 right (+x), 1 down (+y), 2 left (-x), 3 up (-y).
const DX = [1, 0, -1, 0];
const DY = [0, 1, 0, -1];
const SADDLE_TL_BR = 9;
const SADDLE_TR_BL = 6;

/**
 * Outgoing direction at a vertex by its 2x2 neighbourhood, code = TL | TR<<1 | BL<<2 | BR<<3:
 * go right if BR is foreground and TR not, down if BL and not BR, left if TL and not BL, up
 * if TR and not TL. Saddles (two exits) are resolved by the caller; -1 = not on a contour.
 */
const NEXT = (() => {
  const t = new Int8Array(16).fill(-1);
  for (let code = 0; code < 16; code++) {
    const tl = code & 1;
    const tr = (code >> 1) & 1;
    const bl = (code >> 2) & 1;
    const br = (code >> 3) & 1;
    if (br && !tr) t[code] = 0;
    else if (bl && !br) t[code] = 1;
    else if (tl && !bl) t[code] = 2;
    else if (tr && !tl) t[code] = 3;
  }
  return t;
})();

function trace(mask: BinaryMask, connectivity: 4 | 8): Traced {
  const { width: w, height: h, data } = mask;
  if (connectivity !== 4 && connectivity !== 8)
    throw new Error(`connectivity must be 4 or 8, got ${connectivity}`);
  if (data.length !== w * h) throw new Error(`mask data has ${data.length} bytes, expected ${w}×${h}`);
  const pw = (w + 2 + 3) & ~3;
  const pad = new Uint8Array(pw * (h + 2));
  for (let y = 0; y < h; y++) pad.set(data.subarray(y * w, y * w + w), (y + 1) * pw + 1);
  const words = new Int32Array(pad.buffer, 0, pad.length / 4);
  const wpr = pw >> 2;
  const edgeLoop = new Int32Array((h + 1) * w);
  const edgeSeg = new Int32Array((h + 1) * w);
  const loops: Loop[] = [];
  // Saddles: turn left (towards the diagonal neighbour) for 8-connectivity, right for 4.
  const saddleTurn = connectivity === 8 ? 3 : 1;
  let loopEdges = new Int32Array(1024);

  // Horizontal boundary edges lie between pad rows vy and vy+1 where they differ; compare
  // the rows a word at a time and look at bytes only where a word differs.
  for (let vy = 0; vy <= h; vy++) {
    const kEnd = (vy + 2) * wpr;
    for (let k = (vy + 1) * wpr; k < kEnd; k++) {
      if (words[k] === words[k - wpr]) continue;
      for (let j = (k - (vy + 1) * wpr) << 2, jEnd = j + 4; j < jEnd; j++) {
        const x = j - 1;
        if (x < 0 || x >= w) continue;
        const below = pad[(vy + 1) * pw + j] !== 0;
        const above = pad[vy * pw + j] !== 0;
        if (above === below || edgeLoop[vy * w + x] !== 0) continue;
        traceLoop(x, vy, below);
      }
    }
  }
  return { loops, edgeLoop, edgeSeg, pad, pw };

  // Follows one loop from the unit edge at boundary row vy, column x.
  function traceLoop(x: number, vy: number, below: boolean): void {
    // Start with the foreground on the right: rightwards under a foreground pixel's top,
    // leftwards along a foreground pixel's bottom.
    const d0 = below ? 0 : 2;
    const sx = below ? x : x + 1;
    const sy = vy;
    const tag = loops.length + 1;
    const corners: number[] = [];
    let seg = -1;
    let ne = 0;
    let vx = sx;
    let cy = sy;
    let d = d0;
    for (;;) {
      if (d === 0 || d === 2) {
        const eid = cy * w + (d === 0 ? vx : vx - 1);
        edgeLoop[eid] = tag;
        edgeSeg[eid] = seg;
        if (ne === loopEdges.length) {
          const g = new Int32Array(ne * 2);
          g.set(loopEdges);
          loopEdges = g;
        }
        loopEdges[ne++] = eid;
      }
      vx += DX[d];
      cy += DY[d];
      // Pixels around vertex (vx, cy): TL = pad[base], TR, BL = one pad row down, BR.
      const base = cy * pw + vx;
      const code =
        (-pad[base] >>> 31) |
        ((-pad[base + 1] >>> 31) << 1) |
        ((-pad[base + pw] >>> 31) << 2) |
        ((-pad[base + pw + 1] >>> 31) << 3);
      const nd = code === SADDLE_TL_BR || code === SADDLE_TR_BL ? (d + saddleTurn) & 3 : NEXT[code];
      if (vx === sx && cy === sy && nd === d0) {
        // Closed. Put the start vertex first if it is a corner; segment indices shift by one.
        const startIsCorner = d !== d0;
        const n = corners.length / 2 + (startIsCorner ? 1 : 0);
        for (let i = 0; i < ne; i++) {
          const eid = loopEdges[i];
          const s = edgeSeg[eid];
          edgeSeg[eid] = startIsCorner ? s + 1 : s < 0 ? n - 1 : s;
        }
        const pts = startIsCorner ? [sx, sy, ...corners] : corners;
        loops.push({ pts, area2: shoelace2(pts) });
        return;
      }
      if (nd !== d) {
        corners.push(vx, cy);
        seg = corners.length / 2 - 1;
      }
      d = nd;
    }
  }
}

function shoelace2(pts: readonly number[]): number {
  const n = pts.length;
  let s = 0;
  for (let i = 0; i < n; i += 2) {
    const j = (i + 2) % n;
    s += pts[i] * pts[j + 1] - pts[j] * pts[i + 1];
  }
  return s;
}

/** Outer contour and holes of each connected component, in raster order of the component's first pixel. */
export function traceContours(mask: BinaryMask, connectivity: 4 | 8 = 8): ContourSet[] {
  const t = trace(mask, connectivity);
  const { loops } = t;
  const { parent } = attachHoles(t, mask.width);
  // A hole's parent chain ends at its component's outer loop.
  const root = new Int32Array(loops.length);
  const setOf = new Int32Array(loops.length);
  const sets: ContourSet[] = [];
  for (let li = 0; li < loops.length; li++) {
    if (loops[li].area2 > 0) {
      root[li] = li;
      setOf[li] = sets.length;
      sets.push({ outer: loops[li].pts, holes: [] });
    }
  }
  for (let li = 0; li < loops.length; li++) {
    if (loops[li].area2 > 0) continue;
    // Parents are discovered before their children (their top is higher), so are resolved.
    root[li] = root[parent[li]];
    sets[setOf[root[li]]].holes.push(loops[li].pts);
  }
  return sets;
}

interface Attach {
  seg: number;
  /** Bridge foot on the parent's segment. */
  px: number;
  py: number;
  child: number;
  /** Index of the hole vertex the bridge reaches (its top-left corner). */
  h: number;
}

/**
 * For every hole, the boundary straight above its top-left corner: the bridge of its
 * keyhole, and (following parents) the component it belongs to.
 */
function attachHoles(t: Traced, w: number): { attach: (Attach[] | undefined)[]; parent: Int32Array } {
  const { loops, edgeLoop, edgeSeg, pad, pw } = t;
  const fg = (x: number, y: number): number => (pad[(y + 1) * pw + x + 1] === 0 ? 0 : 1);
  const attach: (Attach[] | undefined)[] = new Array(loops.length);
  const parent = new Int32Array(loops.length).fill(-1);
  for (let li = 0; li < loops.length; li++) {
    const loop = loops[li];
    if (loop.area2 > 0) continue;
    // Top-most, then left-most vertex: the pixel above it is foreground of this component.
    const p = loop.pts;
    let hi = 0;
    for (let i = 2; i < p.length; i += 2)
      if (p[i + 1] < p[2 * hi + 1] || (p[i + 1] === p[2 * hi + 1] && p[i] < p[2 * hi])) hi = i / 2;
    const hx = p[2 * hi];
    const hy = p[2 * hi + 1];
    // Walk up the line x = hx to the first horizontal boundary in the pixel column on either
    // side. Everything passed is this component's foreground, so that boundary is its own:
    // the outline or a hole whose top is higher (hence no cycles between holes).
    let found = -1;
    for (let r = hy - 1; r >= 0 && found < 0; r--) {
      if (fg(hx, r - 1) !== fg(hx, r)) found = r * w + hx;
      else if (fg(hx - 1, r - 1) !== fg(hx - 1, r)) found = r * w + hx - 1;
    }
    if (found < 0 || edgeLoop[found] === 0)
      throw new Error(`internal: no boundary above hole at (${hx}, ${hy})`);
    const pl = edgeLoop[found] - 1;
    parent[li] = pl;
    (attach[pl] ??= []).push({ seg: edgeSeg[found], px: hx, py: Math.floor(found / w), child: li, h: hi });
  }
  return { attach, parent };
}

/**
 * COCO polygons for a mask: one polygon per connected component. COCO cannot express holes
 * and pycocotools unions separate polygons, so each hole is spliced into its component's
 * outline through a zero-width keyhole: from the hole's top-left corner a vertical bridge
 * goes straight up, along x = integer, to the nearest boundary of the same component (the
 * outline, or a hole higher up that is already joined); the polygon runs down the bridge,
 * around the hole and back up. Traversed twice, the bridge cancels under even-odd and
 * non-zero fills, and being vertical at integer x it is invisible to pycocotools anyway.
 * Rasterising the result with rasterizePolygons gives back the mask exactly.
 */
export function maskToCocoPolygons(mask: BinaryMask, connectivity: 4 | 8 = 8): number[][] {
  const t = trace(mask, connectivity);
  const { attach } = attachHoles(t, mask.width);
  const polys: number[][] = [];
  for (let li = 0; li < t.loops.length; li++)
    if (t.loops[li].area2 > 0) polys.push(dedupe(emit(t.loops, attach, li)));
  return polys;
}

/** Writes a loop and, recursively (with an explicit stack: holes can nest deeply), the holes bridged to it. */
function emit(loops: Loop[], attach: (Attach[] | undefined)[], root: number): number[] {
  // Several holes may hang off one segment: visit them in order along the segment.
  const bySeg = (li: number): Map<number, Attach[]> => {
    const m = new Map<number, Attach[]>();
    const pts = loops[li].pts;
    for (const a of attach[li] ?? []) {
      const list = m.get(a.seg) ?? [];
      list.push(a);
      m.set(a.seg, list);
    }
    for (const [s, list] of m) {
      const sx = pts[2 * s];
      const sy = pts[2 * s + 1];
      list.sort(
        (a, b) => Math.abs(a.px - sx) + Math.abs(a.py - sy) - (Math.abs(b.px - sx) + Math.abs(b.py - sy)),
      );
    }
    return m;
  };
  interface Frame {
    loop: number;
    start: number;
    step: number;
    segs: Map<number, Attach[]>;
    pending: Attach[] | null;
    pi: number;
    via: Attach | null;
  }
  const out: number[] = [];
  const stack: Frame[] = [
    { loop: root, start: 0, step: 0, segs: bySeg(root), pending: null, pi: 0, via: null },
  ];
  while (stack.length) {
    const f = stack[stack.length - 1];
    const pts = loops[f.loop].pts;
    const n = pts.length / 2;
    if (f.pending && f.pi < f.pending.length) {
      const a = f.pending[f.pi++];
      out.push(a.px, a.py);
      stack.push({ loop: a.child, start: a.h, step: 0, segs: bySeg(a.child), pending: null, pi: 0, via: a });
      continue;
    }
    if (f.step === n) {
      stack.pop();
      if (f.via) {
        // Back to the hole's first vertex, then up the bridge.
        const hp = loops[f.loop].pts;
        out.push(hp[2 * f.via.h], hp[2 * f.via.h + 1], f.via.px, f.via.py);
      }
      continue;
    }
    const i = (f.start + f.step) % n;
    f.step++;
    out.push(pts[2 * i], pts[2 * i + 1]);
    f.pending = f.segs.get(i) ?? null;
    f.pi = 0;
  }
  return out;
}

/** Drops repeated consecutive points (bridges that start on a vertex), wrapping around. */
function dedupe(p: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.length; i += 2) {
    const n = out.length;
    if (n && out[n - 2] === p[i] && out[n - 1] === p[i + 1]) continue;
    out.push(p[i], p[i + 1]);
  }
  while (out.length > 2 && out[0] === out[out.length - 2] && out[1] === out[out.length - 1]) out.length -= 2;
  return out;
}
