/**
 * OpenCV's `cv2.resize(…, interpolation=INTER_LINEAR)` for 8-bit images, which is what
 * GroupViT's preprocessing (mmcv `imrescale`, cv2 backend) runs: plain bilinear on the two
 * nearest source pixels per axis, no antialiasing however much the image shrinks.
 *
 * It follows OpenCV's fixed-point arithmetic (modules/imgproc/src/resize.cpp, `resizeGeneric_`
 * with `HResizeLinear` and `VResizeLinear`):
 *  - source position fx = float((dx + 0.5)·scale − 0.5) with scale = 1/(dst/src) in double,
 *    sx = floor(fx), fx −= sx; clamped to [0, size − 1] with weight 0 at the edges;
 *  - weights rounded to 11 bits: round((1 − fx)·2048) and round(fx·2048) (half to even);
 *  - horizontal pass into 32-bit sums (exact);
 *  - vertical pass as OpenCV's 128-bit SIMD code does it for each full block of 16 values of a
 *    row (((S0 >> 4)·b0 >> 16) + ((S1 >> 4)·b1 >> 16) + 2) >> 2, and as its scalar code for
 *    the rest of the row, (S0·b0 + S1·b1 + 2²¹) >> 22. The two can differ by one level.
 * An exact 2× shrink, which OpenCV hands to INTER_AREA, gives the same numbers this way.
 * Not reproduced: the exact-2×-upscale shortcut of the newest OpenCV releases.
 */

const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;

/** cvRound: nearest, ties to even (lrint in the default rounding mode). */
function cvRound(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export interface LinearTaps {
  /** First source index per destination index (the second is min(lo + 1, size − 1)). */
  lo: Int32Array;
  hi: Int32Array;
  /** 11-bit fixed-point weights of lo and hi. */
  w0: Int32Array;
  w1: Int32Array;
}

/** Source taps and weights for one axis, as OpenCV computes them. */
export function linearTaps(srcSize: number, dstSize: number): LinearTaps {
  const lo = new Int32Array(dstSize);
  const hi = new Int32Array(dstSize);
  const w0 = new Int32Array(dstSize);
  const w1 = new Int32Array(dstSize);
  const scale = 1 / (dstSize / srcSize);
  for (let d = 0; d < dstSize; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    if (s < 0) {
      s = 0;
      f = 0;
    }
    if (s >= srcSize - 1) {
      s = srcSize - 1;
      f = 0;
    }
    lo[d] = s;
    hi[d] = Math.min(s + 1, srcSize - 1);
    w0[d] = cvRound(Math.fround(Math.fround(1 - f) * COEF_SCALE));
    w1[d] = cvRound(Math.fround(f * COEF_SCALE));
  }
  return { lo, hi, w0, w1 };
}

/**
 * Resizes packed 8-bit pixels (`channels` per pixel, rows without padding) to dw×dh.
 * Work is proportional to the output plus two source rows per output row; a source row's
 * horizontal pass is reused while consecutive output rows read it. No allocation per row.
 */
export function resizeLinearU8(src: Uint8Array, sw: number, sh: number, dw: number, dh: number, channels: number): Uint8Array {
  const xs = linearTaps(sw, dw);
  const ys = linearTaps(sh, dh);
  const rowLen = dw * channels;
  // Byte offsets of the two source pixels of each output column.
  const p0 = xs.lo.map((v) => v * channels);
  const p1 = xs.hi.map((v) => v * channels);
  // Two horizontal-pass rows, tagged with the source row they hold.
  let rowA = new Int32Array(rowLen);
  let rowB = new Int32Array(rowLen);
  let tagA = -1;
  let tagB = -1;
  const srcStride = sw * channels;
  const out = new Uint8Array(dh * rowLen);
  for (let y = 0; y < dh; y++) {
    const s0 = ys.lo[y];
    const s1 = ys.hi[y];
    if (tagA !== s0) {
      if (tagB === s0) {
        const t = rowA;
        rowA = rowB;
        rowB = t;
        tagB = -1;
      } else horizontalPass(src, s0 * srcStride, p0, p1, xs.w0, xs.w1, channels, rowA);
      tagA = s0;
    }
    if (tagB !== s1) {
      horizontalPass(src, s1 * srcStride, p0, p1, xs.w0, xs.w1, channels, rowB);
      tagB = s1;
    }
    verticalPass(rowA, rowB, ys.w0[y], ys.w1[y], out, y * rowLen);
  }
  return out;
}

/** One source row to 32-bit sums, S·w0 + S'·w1 per output value (exact), a pixel at a time. */
function horizontalPass(src: Uint8Array, base: number, p0: Int32Array, p1: Int32Array, w0: Int32Array, w1: Int32Array, channels: number, row: Int32Array): void {
  const n = p0.length;
  let i = 0;
  if (channels === 3)
    for (let x = 0; x < n; x++, i += 3) {
      const p = base + p0[x];
      const q = base + p1[x];
      const a = w0[x];
      const b = w1[x];
      row[i] = src[p] * a + src[q] * b;
      row[i + 1] = src[p + 1] * a + src[q + 1] * b;
      row[i + 2] = src[p + 2] * a + src[q + 2] * b;
    }
  else
    for (let x = 0; x < n; x++) {
      const p = base + p0[x];
      const q = base + p1[x];
      for (let c = 0; c < channels; c++, i++) row[i] = src[p + c] * w0[x] + src[q + c] * w1[x];
    }
}

/** Two horizontal rows to one output row, rounded as OpenCV's SIMD blocks and scalar tail. */
function verticalPass(rowA: Int32Array, rowB: Int32Array, b0: number, b1: number, out: Uint8Array, o: number): void {
  const n = rowA.length;
  const simdEnd = n - (n % 16);
  let i = 0;
  // No clamp: the weights sum to 2048, so both formulas stay within 0…255.
  for (; i < simdEnd; i++) out[o + i] = ((((rowA[i] >> 4) * b0) >> 16) + (((rowB[i] >> 4) * b1) >> 16) + 2) >> 2;
  for (; i < n; i++) out[o + i] = (rowA[i] * b0 + rowB[i] * b1 + (1 << 21)) >> 22;
}
