/**
 * COCO run-length encoding of row-major masks, bit-for-bit what pycocotools' rleEncode
 * produces.
 *
 * The catch is the memory order: runs are column-major but our masks are row-major, and a
 * plain column scan strides `width` bytes per pixel, missing the cache on every read. Instead
 * we only look for the places where runs start. In column-major order pixel (x, y) starts a
 * run iff it differs from (x, y-1) for y > 0, or from (x-1, h-1) for y = 0. So, for each
 * vertical strip of STRIP columns:
 *   - rows 1..h-1: compare the strip's part of each row with the row above, 4 bytes per
 *     Int32 load and 16 bytes per test; in a realistic mask almost every word equals the
 *     one above, so we almost never look at single bytes (and when we do, branch-free);
 *   - row 0: compare with the previous column's last pixel, byte by byte;
 *   - the transitions come out row by row; a counting sort on the strip's columns puts
 *     them in column-major order, and the counts are the gaps between them. Strips keep
 *     that sort's scattered writes inside a cache-sized window even for noise masks.
 * Cost: h*w/16 word tests + O(transitions + w), sequential reads.
 *
 * Noise-like masks (most words differ from the row above; a 16-row sample decides) go
 * another way: transpose 64 columns at a time into an L2-sized column-major tile and scan
 * it linearly, branch-free. Both produce the same counts; only the speed differs.
 */
import { checkSize } from './dims';
import { bucketOf, growEvents, growPos, scratch } from './scratch';
import type { BinaryMask } from './types';

/** Columns per strip, a multiple of 4 so strips start on word boundaries. */
const STRIP = 256;
let padded = new Uint8Array(0);

/** Column-major run lengths of a row-major mask (pycocotools rleEncode). A 0×0 mask gives [0], as there. */
export function encodeCounts(mask: BinaryMask): Uint32Array {
  const { width: w, height: h } = mask;
  checkSize(mask);
  const area = w * h;
  if (area === 0) return new Uint32Array(1);

  // Word loads need rows that start on a 4-byte boundary; copy into a padded buffer
  // otherwise (one native set() per row). Padding bytes are 0 in every row, so never differ.
  let bytes = mask.data;
  let stride = w;
  if (w % 4 !== 0 || bytes.byteOffset % 4 !== 0) {
    stride = (w + 3) & ~3;
    if (padded.length < stride * h) padded = new Uint8Array(stride * h);
    else padded.fill(0, 0, stride * h);
    for (let y = 0; y < h; y++) padded.set(mask.data.subarray(y * w, y * w + w), y * stride);
    bytes = padded;
  }
  // Int32 rather than Uint32: loads stay small integers in V8, never boxed doubles.
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, (stride * h) / 4);
  const total = looksNoisy(words, stride >> 2, h)
    ? encodeDense(bytes, stride, w, h)
    : encodeSparse(bytes, words, stride, w, h);

  // Run starts -> run lengths.
  const counts = new Uint32Array(total + 1);
  const pos = scratch.pos;
  let last = 0;
  for (let i = 0; i < total; i++) {
    const q = pos[i];
    counts[i] = q - last;
    last = q;
  }
  counts[total] = area - last;
  return counts;
}

/** Transitions of each strip found by comparing rows (see the top of the file). */
function encodeSparse(bytes: Uint8Array, words: Int32Array, stride: number, w: number, h: number): number {
  const wpr = stride >> 2;
  const lastRow = (h - 1) * stride;
  if (scratch.evX.length < STRIP * 4) growEvents(STRIP * 4);
  let ex = scratch.evX;
  let ey = scratch.evY;
  let cap = ex.length;
  let total = 0; // transitions written to scratch.pos so far

  for (let x0 = 0; x0 < w; x0 += STRIP) {
    const x1 = Math.min(w, x0 + STRIP);
    let n = 0;

    // Row 0: a column's first pixel follows the previous column's last one; column 0
    // follows the implicit leading 0.
    let prev = x0 === 0 ? 0 : bytes[lastRow + x0 - 1] === 0 ? 0 : 1;
    for (let x = x0; x < x1; x++) {
      const cur = bytes[x] === 0 ? 0 : 1;
      ex[n] = x;
      ey[n] = 0;
      n += cur ^ prev;
      prev = bytes[lastRow + x] === 0 ? 0 : 1;
    }

    const kw0 = x0 >> 2;
    const kw1 = (x1 + 3) >> 2;
    for (let y = 1; y < h; y++) {
      const rowK = y * wpr;
      const kEnd = rowK + kw1;
      const kEnd4 = kEnd - 3;
      let k = rowK + kw0;
      for (;;) {
        // Skip identical stretches, four words (16 pixels) per test.
        while (
          k < kEnd4 &&
          ((words[k] ^ words[k - wpr]) |
            (words[k + 1] ^ words[k + 1 - wpr]) |
            (words[k + 2] ^ words[k + 2 - wpr]) |
            (words[k + 3] ^ words[k + 3 - wpr])) ===
            0
        )
          k += 4;
        if (k >= kEnd) break;
        if (n + 16 > cap) {
          growEvents(n + 16);
          ex = scratch.evX;
          ey = scratch.evY;
          cap = ex.length;
        }
        const kStop = k + 4 < kEnd ? k + 4 : kEnd;
        for (; k < kStop; k++) {
          if (words[k] === words[k - wpr]) continue;
          // Which of the 4 bytes flip between zero and non-zero? Branch-free, because on
          // noisy masks every word gets here and a branch would mispredict half the time:
          // each candidate is written and kept by advancing n by 0 or 1. (-v >>> 31) is 1
          // for v in 1..255, 0 for 0. Padding bytes are 0 in both rows, so never kept.
          const b = k * 4; // not << 2: past 2^29 words that would overflow int32
          const xb = b - y * stride;
          ex[n] = xb;
          ey[n] = y;
          n += (-bytes[b] >>> 31) ^ (-bytes[b - stride] >>> 31);
          ex[n] = xb + 1;
          ey[n] = y;
          n += (-bytes[b + 1] >>> 31) ^ (-bytes[b + 1 - stride] >>> 31);
          ex[n] = xb + 2;
          ey[n] = y;
          n += (-bytes[b + 2] >>> 31) ^ (-bytes[b + 2 - stride] >>> 31);
          ex[n] = xb + 3;
          ey[n] = y;
          n += (-bytes[b + 3] >>> 31) ^ (-bytes[b + 3 - stride] >>> 31);
        }
      }
    }

    // Stable counting sort by column (rows stay ascending within a column), written as
    // absolute column-major positions after the previous strips' ones.
    if (total + n > scratch.pos.length) growPos(total + n);
    const p = scratch.pos;
    const width = x1 - x0;
    const start = bucketOf(width + 1);
    for (let i = 0; i < n; i++) start[ex[i] - x0 + 1]++;
    start[0] = total;
    for (let x = 0; x < width; x++) start[x + 1] += start[x];
    for (let i = 0; i < n; i++) {
      const x = ex[i];
      p[start[x - x0]++] = x * h + ey[i];
    }
    total += n;
  }

  return total;
}

/**
 * Most words differ from the word above in noise-like masks; there every word takes the
 * byte path and the transitions (about one per two pixels) make the sort the bottleneck.
 * Sample a few rows to find out.
 */
function looksNoisy(words: Int32Array, wpr: number, h: number): boolean {
  if (h < 2) return false;
  const rows = Math.min(16, h - 1);
  let differ = 0;
  for (let r = 0; r < rows; r++) {
    const y = 1 + Math.floor((r * (h - 1)) / rows);
    for (let k = y * wpr, end = k + wpr; k < end; k++) if (words[k] !== words[k - wpr]) differ++;
  }
  return differ * 4 > rows * wpr;
}

/** Columns per tile of the dense encoder: a tile (TILE × h bytes) stays in L2. */
const TILE = 64;
let tile = new Uint8Array(0);

/**
 * For noise: transpose TILE columns at a time into a column-major tile, then scan it
 * linearly, branch-free (every position is written, the index advances only at a change).
 */
function encodeDense(bytes: Uint8Array, stride: number, w: number, h: number): number {
  if (scratch.pos.length < w * h) growPos(w * h);
  if (tile.length < TILE * h) tile = new Uint8Array(TILE * h);
  const p = scratch.pos;
  const t = tile;
  let n = 0;
  let prev = 0;
  for (let x0 = 0; x0 < w; x0 += TILE) {
    const sw = Math.min(TILE, w - x0);
    for (let y = 0; y < h; y++) {
      const r = y * stride + x0;
      for (let i = 0, o = y; i < sw; i++, o += h) t[o] = bytes[r + i];
    }
    const len = sw * h;
    const base = x0 * h;
    for (let i = 0; i < len; i++) {
      const v = -t[i] >>> 31;
      p[n] = base + i;
      n += v ^ prev;
      prev = v;
    }
  }
  return n;
}
