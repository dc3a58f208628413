/**
 * COCO run lengths -> row-major mask, the inverse of rle-encode.ts.
 */
import { checkDims } from './dims';
import { bucketOf, growEvents, scratch } from './scratch';
import type { BinaryMask, Counts } from './types';

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
    if (!(c >= 0 && Number.isInteger(c)))
      throw new Error(`RLE count ${j} is ${c}, not a non-negative integer`);
    sum += c;
  }
  if (sum !== area)
    throw new Error(`RLE run lengths sum to ${sum}, expected height×width = ${h}×${w} = ${area}`);
  let data: Uint8Array;
  if (out) {
    if (out.length !== area)
      throw new Error(`output buffer has ${out.length} bytes, expected ${h}×${w} = ${area}`);
    data = out;
    data.fill(0);
  } else data = new Uint8Array(area);
  if (area === 0) return { width: w, height: h, data };
  // The dense path's column XOR costs about a word operation per 4 pixels; the sparse path
  // costs a sort step per boundary. Boundaries are at most the number of runs.
  if (m > area / 64 && w % 4 === 0 && data.byteOffset % 4 === 0) decodeDense(counts, h, w, data);
  else decodeSparse(counts, h, w, data);
  return { width: w, height: h, data };
}

/**
 * Calls visit(x, y) for every run boundary below row 0 and sets row 0 (data[0..w)) from
 * the runs. Shared by both decoders.
 */
function walkRuns(
  counts: Counts,
  h: number,
  w: number,
  data: Uint8Array,
  visit: (x: number, y: number) => void,
): void {
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
    if (n === scratch.evX.length) growEvents(n + 1);
    scratch.evX[n] = x;
    scratch.evY[n++] = y;
  });
  const ex = scratch.evX;
  const ey = scratch.evY;
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
  const words = new Int32Array(data.buffer, data.byteOffset, (h * w) / 4);
  const wpr = w >> 2;
  for (let k = wpr; k < words.length; k++) words[k] ^= words[k - wpr];
}
