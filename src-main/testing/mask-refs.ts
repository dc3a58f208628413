/**
 * Helpers for the masks tests: a seeded PRNG, mask builders and deliberately naive
 * pixel-by-pixel references (a column scan for RLE, direct pixel counting for area/bbox/IoU)
 * that share no code with the optimised implementations they check.
 */
import type { BinaryMask } from '../shared/masks/types';

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function blank(width: number, height: number): BinaryMask {
  return { width, height, data: new Uint8Array(width * height) };
}

/** Mask from rows of '#' (foreground) and '.' (background). */
export function fromAscii(...rows: string[]): BinaryMask {
  const height = rows.length;
  const width = height ? rows[0].length : 0;
  const m = blank(width, height);
  rows.forEach((r, y) => {
    if (r.length !== width) throw new Error(`row ${y} has length ${r.length}, expected ${width}`);
    for (let x = 0; x < width; x++) m.data[y * width + x] = r[x] === '#' ? 1 : 0;
  });
  return m;
}

export function randomMask(width: number, height: number, density: number, rnd: () => number): BinaryMask {
  const m = blank(width, height);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rnd() < density ? 1 : 0;
  return m;
}

/** Filled axis-aligned ellipses: the shape of a realistic object mask. */
export function ellipses(
  width: number,
  height: number,
  list: [cx: number, cy: number, rx: number, ry: number][],
): BinaryMask {
  const m = blank(width, height);
  for (const [cx, cy, rx, ry] of list) {
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(height, Math.ceil(cy + ry) + 1); y++) {
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(width, Math.ceil(cx + rx) + 1); x++) {
        const dx = (x + 0.5 - cx) / rx;
        const dy = (y + 0.5 - cy) / ry;
        if (dx * dx + dy * dy <= 1) m.data[y * width + x] = 1;
      }
    }
  }
  return m;
}

/** The textbook column-major run-length encoder: visit pixels in Fortran order, count runs. */
export function naiveCounts(m: BinaryMask): number[] {
  const out: number[] = [];
  let prev = 0;
  let run = 0;
  for (let x = 0; x < m.width; x++) {
    for (let y = 0; y < m.height; y++) {
      const v = m.data[y * m.width + x] ? 1 : 0;
      if (v !== prev) {
        out.push(run);
        run = 0;
        prev = v;
      }
      run++;
    }
  }
  out.push(run);
  return out;
}

/** Normalised 0/1 copy of the pixels, for comparisons. */
export function bits(m: BinaryMask): number[] {
  return Array.from(m.data, (v) => (v ? 1 : 0));
}

export function pixelArea(m: BinaryMask): number {
  let a = 0;
  for (const v of m.data) if (v) a++;
  return a;
}

export function pixelBbox(m: BinaryMask): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < m.height; y++)
    for (let x = 0; x < m.width; x++)
      if (m.data[y * m.width + x]) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  return x1 < 0 ? [0, 0, 0, 0] : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

export function pixelIou(a: BinaryMask, b: BinaryMask): number {
  let i = 0;
  let u = 0;
  for (let k = 0; k < a.data.length; k++) {
    const va = a.data[k] !== 0;
    const vb = b.data[k] !== 0;
    if (va && vb) i++;
    if (va || vb) u++;
  }
  return u ? i / u : 0;
}

/** Signed shoelace area of a flat [x, y, ...] ring (y down: clockwise on screen > 0). */
export function shoelace(p: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i += 2) {
    const j = (i + 2) % p.length;
    s += p[i] * p[j + 1] - p[j] * p[i + 1];
  }
  return s / 2;
}
