/**
 * COCO run-length encoding, bit-for-bit what pycocotools' rleEncode/rleDecode produce, for
 * row-major masks.
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
import type { Rle } from '../shared/contract';
import { countsToString, stringToCounts } from './rle-string';
import type { BinaryMask, Counts, UncompressedRle } from './types';

/** Columns per strip, a multiple of 4 so strips start on word boundaries. */
const STRIP = 256;

// Scratch buffers reused across calls, grown on demand: encoding allocates only its result.
let evX = new Int32Array(4096);
let evY = new Int32Array(4096);
let pos = new Uint32Array(4096);
let bucket = new Int32Array(STRIP + 1);
let padded = new Uint8Array(0);

function growEvents(need: number): void {
  let cap = evX.length;
  while (cap < need) cap *= 2;
  const nx = new Int32Array(cap);
  nx.set(evX);
  const ny = new Int32Array(cap);
  ny.set(evY);
  evX = nx;
  evY = ny;
}

function growPos(need: number): void {
  let cap = pos.length;
  while (cap < need) cap *= 2;
  const np = new Uint32Array(cap);
  np.set(pos);
  pos = np;
}

function bucketOf(n: number): Int32Array {
  if (bucket.length < n) bucket = new Int32Array(Math.max(n, bucket.length * 2));
  bucket.fill(0, 0, n);
  return bucket;
}

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
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, (stride * h) >> 2);
  const total = looksNoisy(words, stride >> 2, h) ? encodeDense(bytes, stride, w, h) : encodeSparse(bytes, words, stride, w, h);

  // Run starts -> run lengths.
  const counts = new Uint32Array(total + 1);
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
  if (evX.length < STRIP * 4) growEvents(STRIP * 4);
  let ex = evX;
  let ey = evY;
  let cap = ex.length;
  let total = 0; // transitions written to `pos` so far

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
          ((words[k] ^ words[k - wpr]) | (words[k + 1] ^ words[k + 1 - wpr]) | (words[k + 2] ^ words[k + 2 - wpr]) | (words[k + 3] ^ words[k + 3 - wpr])) === 0
        )
          k += 4;
        if (k >= kEnd) break;
        if (n + 16 > cap) {
          growEvents(n + 16);
          ex = evX;
          ey = evY;
          cap = ex.length;
        }
        const kStop = k + 4 < kEnd ? k + 4 : kEnd;
        for (; k < kStop; k++) {
          if (words[k] === words[k - wpr]) continue;
          // Which of the 4 bytes flip between zero and non-zero? Branch-free, because on
          // noisy masks every word gets here and a branch would mispredict half the time:
          // each candidate is written and kept by advancing n by 0 or 1. (-v >>> 31) is 1
          // for v in 1..255, 0 for 0. Padding bytes are 0 in both rows, so never kept.
          const b = k << 2;
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
    if (total + n > pos.length) growPos(total + n);
    const p = pos;
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
  if (pos.length < w * h) growPos(w * h);
  if (tile.length < TILE * h) tile = new Uint8Array(TILE * h);
  const p = pos;
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

/**
 * Row-major mask (values 0/1) from column-major run lengths; throws unless they sum to
 * height*width. `out`, if given, receives the pixels (its contents are overwritten), which
 * spares the page faults of a fresh multi-megabyte buffer on every call.
 *
 * The pixels of row 0 come straight from the runs. Below it, a run boundary at (x, y) means
 * pixel (x, y) differs from (x, y-1); so we mark each such pixel with a 1 and then take a
 * running XOR down every column (4 columns per Int32 operation). With few boundaries (a
 * realistic mask) a cheaper variant applies: row y is a copy of row y-1 (copyWithin, a
 * native memmove) with that row's boundaries flipped, after sorting them by row.
 */
export function decodeCounts(counts: Counts, height: number, width: number, out?: Uint8Array): BinaryMask {
  const h = height;
  const w = width;
  checkDims(h, w);
  const area = h * w;
  const m = counts.length;
  let sum = 0;
  for (let j = 0; j < m; j++) {
    const c = counts[j];
    if (!(c >= 0 && Number.isInteger(c))) throw new Error(`RLE count ${j} is ${c}, not a non-negative integer`);
    sum += c;
  }
  if (sum !== area) throw new Error(`RLE run lengths sum to ${sum}, expected height×width = ${h}×${w} = ${area}`);
  let data: Uint8Array;
  if (out) {
    if (out.length !== area) throw new Error(`output buffer has ${out.length} bytes, expected ${h}×${w} = ${area}`);
    data = out;
    data.fill(0);
  } else data = new Uint8Array(area);
  if (area === 0) return { width: w, height: h, data };
  // The dense path's column XOR costs about a word operation per 4 pixels; the sparse path
  // costs a sort step per boundary. Boundaries are at most the number of runs.
  if (m > area >> 6 && w % 4 === 0) decodeDense(counts, h, w, data);
  else decodeSparse(counts, h, w, data);
  return { width: w, height: h, data };
}

/**
 * Calls visit(x, y) for every run boundary below row 0 and sets row 0 (data[0..w)) from
 * the runs. Shared by both decoders.
 */
function walkRuns(counts: Counts, h: number, w: number, data: Uint8Array, visit: (x: number, y: number) => void): void {
  const m = counts.length;
  // Position of the current run's start as (x, y), advanced without dividing per run.
  let x = 0;
  let y = 0;
  for (let j = 0; j < m; j++) {
    const c = counts[j];
    if (j > 0 && y > 0 && x < w) visit(x, y);
    if (c === 0) continue;
    const ones = j & 1;
    // A run that starts at the top of a column holds that column's row-0 pixel.
    if (ones && y === 0 && x < w) data[x] = 1;
    y += c;
    if (y >= h) {
      // The run ends in a later column: every column it wraps into starts inside it.
      const q = Math.floor(y / h);
      y -= q * h;
      // Columns x+1 .. x+q start inside the run, except x+q when the run ends exactly at
      // its start (y = 0 now): that column's start belongs to the next run.
      const last = y === 0 ? x + q - 1 : x + q;
      if (ones && last > x) data.fill(1, x + 1, Math.min(last, w - 1) + 1);
      x += q;
    }
  }
}

let sortedScratch = new Int32Array(4096);

function decodeSparse(counts: Counts, h: number, w: number, data: Uint8Array): void {
  let n = 0;
  walkRuns(counts, h, w, data, (x, y) => {
    if (n === evX.length) growEvents(n + 1);
    evX[n] = x;
    evY[n++] = y;
  });
  const ex = evX;
  const ey = evY;
  // Group the boundaries by row (counting sort), then build each row from the one above.
  const start = bucketOf(h + 1);
  for (let i = 0; i < n; i++) start[ey[i] + 1]++;
  for (let y = 0; y < h; y++) start[y + 1] += start[y];
  if (sortedScratch.length < n) sortedScratch = new Int32Array(Math.max(n, sortedScratch.length * 2));
  const sortedX = sortedScratch;
  for (let i = 0; i < n; i++) sortedX[start[ey[i]]++] = ex[i];
  // start[y] is now the end of row y's boundaries, which is where row y+1's begin.
  let t = start[0];
  for (let y = 1; y < h; y++) {
    const row = y * w;
    data.copyWithin(row, row - w, row);
    const tEnd = start[y];
    for (; t < tEnd; t++) data[row + sortedX[t]] ^= 1;
  }
}

function decodeDense(counts: Counts, h: number, w: number, data: Uint8Array): void {
  // Mark boundaries. Two boundaries at one pixel (an empty run) cancel, as they should.
  walkRuns(counts, h, w, data, (x, y) => {
    data[y * w + x] ^= 1;
  });
  // Running XOR down the columns, a word (4 columns) at a time: bytes are 0/1, so XOR of
  // words is XOR of each byte with no carries between them. Requires w % 4 === 0.
  const words = new Int32Array(data.buffer, data.byteOffset, area4(h, w));
  const wpr = w >> 2;
  for (let k = wpr; k < words.length; k++) words[k] ^= words[k - wpr];
}

function area4(h: number, w: number): number {
  return (h * w) >> 2;
}

/** Mask -> COCO compressed RLE (`counts` string), identical to pycocotools' encode. */
export function encodeMask(mask: BinaryMask): Rle {
  return { size: [mask.height, mask.width], counts: countsToString(encodeCounts(mask)) };
}

/** COCO compressed RLE -> mask; throws on a malformed string or counts not summing to h*w. */
export function decodeRle(rle: Rle): BinaryMask {
  const [h, w] = rle.size;
  return decodeCounts(stringToCounts(rle.counts), h, w);
}

/**
 * Either COCO RLE form -> the compressed one, after checking the counts: non-negative
 * integers summing to height*width (a wrong sum means a wrong `size` or a truncated list).
 */
export function toCompressed(rle: UncompressedRle | Rle): Rle {
  if (!Array.isArray(rle.size) || rle.size.length !== 2) throw new Error(`RLE size must be [height, width], got ${JSON.stringify(rle.size)}`);
  const h = rle.size[0];
  const w = rle.size[1];
  checkDims(h, w);
  const counts = typeof rle.counts === 'string' ? stringToCounts(rle.counts) : rle.counts;
  let sum = 0;
  for (let j = 0; j < counts.length; j++) {
    const c = counts[j];
    if (!(Number.isInteger(c) && c >= 0 && c <= 0xffffffff)) throw new Error(`RLE count ${j} is ${JSON.stringify(c)}, not a non-negative integer`);
    sum += c;
  }
  if (sum !== h * w) throw new Error(`RLE run lengths sum to ${sum}, expected height×width = ${h}×${w} = ${h * w}`);
  return { size: [h, w], counts: typeof rle.counts === 'string' ? rle.counts : countsToString(counts) };
}

/** The uncompressed counts of an RLE in either form, or the counts themselves. */
export function countsOf(rle: Rle | UncompressedRle | Counts): Counts {
  if (isCounts(rle)) return rle;
  return typeof rle.counts === 'string' ? stringToCounts(rle.counts) : rle.counts;
}

function isCounts(x: Rle | UncompressedRle | Counts): x is Counts {
  return x instanceof Uint32Array || Array.isArray(x);
}

function checkDims(h: number, w: number): void {
  if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 0 && w >= 0)) throw new Error(`mask size must be non-negative integers, got ${h}×${w}`);
  if (h * w > 0xffffffff) throw new Error(`mask ${h}×${w} has more than 2^32 pixels, which RLE counts cannot address`);
}

function checkSize(mask: BinaryMask): void {
  checkDims(mask.height, mask.width);
  if (mask.data.length !== mask.width * mask.height)
    throw new Error(`mask data has ${mask.data.length} bytes, expected width×height = ${mask.width}×${mask.height} = ${mask.width * mask.height}`);
}
