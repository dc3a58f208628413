/**
 * COCO compressed RLE in the renderer (the wire format of masks; pixels never cross RPC).
 *
 * - `counts` is pycocotools' string: each run length as little-endian 5-bit groups, char =
 *   48 + group, 0x20 = "more groups follow", the last group's 0x10 is the sign; from the
 *   fourth count on the value stored is the difference to the count two places back.
 * - Runs are COLUMN-major (Fortran order): they walk down column 0, then column 1, ...,
 *   alternating zeros and ones and starting with a (possibly empty) run of zeros.
 * - `size` is [height, width].
 *
 * In memory we keep masks row-major (like ImageData): pixel (x, y) is data[y * width + x].
 */

export interface Rle {
  size: [number, number];
  counts: string;
}

export interface Mask {
  width: number;
  height: number;
  /** Row-major, 0 or 1. */
  data: Uint8Array;
}

export function decodeCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let scale = 1;
    for (;;) {
      if (p >= s.length) throw new Error('RLE string is truncated');
      const c = s.charCodeAt(p++) - 48;
      if (c < 0 || c > 63) throw new Error(`RLE string has an invalid character at ${p - 1}`);
      x += (c & 0x1f) * scale;
      scale *= 32;
      if (!(c & 0x20)) {
        if (c & 0x10) x -= scale;
        break;
      }
    }
    const k = counts.length;
    if (k > 2) x += counts[k - 2];
    if (x < 0) throw new Error(`RLE count ${k} is negative`);
    counts.push(x);
  }
  return counts;
}

export function encodeCounts(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = i > 2 ? counts[i] - counts[i - 2] : counts[i];
    for (;;) {
      const g = x - Math.floor(x / 32) * 32;
      x = Math.floor(x / 32);
      const more = g & 0x10 ? x !== -1 : x !== 0;
      out += String.fromCharCode((more ? g | 0x20 : g) + 48);
      if (!more) break;
    }
  }
  return out;
}

/** RLE → row-major mask. Runs that overflow the image are clipped. */
export function decodeRle(rle: Rle): Mask {
  const [height, width] = rle.size;
  const data = new Uint8Array(width * height);
  const counts = decodeCounts(rle.counts);
  const n = width * height;
  let pos = 0; // column-major index
  let v = 0;
  for (const c of counts) {
    if (v) {
      const end = Math.min(pos + c, n);
      for (let i = pos; i < end; i++) {
        const x = (i / height) | 0;
        const y = i - x * height;
        data[y * width + x] = 1;
      }
    }
    pos += c;
    v ^= 1;
    if (pos >= n) break;
  }
  return { width, height, data };
}

/** Row-major mask → RLE (column-major runs, starting with zeros). */
export function encodeMask(mask: Mask): Rle {
  const { width, height, data } = mask;
  const counts: number[] = [];
  let run = 0;
  let v = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const p = data[y * width + x] ? 1 : 0;
      if (p !== v) {
        counts.push(run);
        run = 0;
        v = p;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts: encodeCounts(counts) };
}

export function maskArea(mask: Mask): number {
  let a = 0;
  for (let i = 0; i < mask.data.length; i++) a += mask.data[i];
  return a;
}

/** Tight COCO box [x, y, w, h] around the set pixels, or null when empty. */
export function maskBbox(mask: Mask): [number, number, number, number] | null {
  const { width, height, data } = mask;
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (data[row + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

/** Paints (value 1) or erases (value 0) a filled disc centred at (cx, cy) in image pixels. */
export function paintDisc(mask: Mask, cx: number, cy: number, radius: number, value: 0 | 1): void {
  const { width, height, data } = mask;
  const r2 = radius * radius;
  const ya = Math.max(0, Math.floor(cy - radius)),
    yb = Math.min(height - 1, Math.ceil(cy + radius));
  const xa = Math.max(0, Math.floor(cx - radius)),
    xb = Math.min(width - 1, Math.ceil(cx + radius));
  for (let y = ya; y <= yb; y++) {
    const dy = y + 0.5 - cy;
    for (let x = xa; x <= xb; x++) {
      const dx = x + 0.5 - cx;
      if (dx * dx + dy * dy <= r2) data[y * width + x] = value;
    }
  }
}

/** Paints discs along the segment a→b so a fast stroke leaves no gaps. */
export function paintSegment(
  mask: Mask,
  a: { x: number; y: number },
  b: { x: number; y: number },
  radius: number,
  value: 0 | 1,
): void {
  const d = Math.hypot(b.x - a.x, b.y - a.y);
  const steps = Math.max(1, Math.ceil(d / Math.max(1, radius / 2)));
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    paintDisc(mask, a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, radius, value);
  }
}

/** Parses '#rrggbb'. */
export function hexToRgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex);
  if (!m) return [255, 0, 255];
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Fills an RGBA buffer (ImageData.data) with the class colour where the mask is set. */
export function tintMask(mask: Mask, color: string, out: Uint8ClampedArray, alpha = 255): void {
  const [r, g, b] = hexToRgb(color);
  const { data } = mask;
  for (let i = 0, j = 0; i < data.length; i++, j += 4) {
    if (data[i]) {
      out[j] = r;
      out[j + 1] = g;
      out[j + 2] = b;
      out[j + 3] = alpha;
    } else out[j + 3] = 0;
  }
}
