/**
 * Reference for GroupViT's label map, written per pixel straight from the upstream rule
 * (NVlabs GroupViT `group_vit_seg.encode_decode`, then mmseg's whole-image inference) and
 * sharing nothing with src-main/inference/groupvit: tests compare the fast per-group code
 * against it. Slow on purpose: every output pixel blends every channel.
 *
 *   1. At the model's input resolution (H×W), pixel p of group g(p) has class scores
 *      Final[g(p)] in channels 1…N, and channel 0 = 1 where max Final[g(p)] < threshold, else 0.
 *   2. Each channel is resized bilinearly to outH×outW with align_corners = false
 *      (torch `F.interpolate`: source = (dst + 0.5)·in/out − 0.5, clamped below at 0; positions
 *      and weights in float32 like torch, the blend itself in double).
 *   3. The label is the argmax over the N + 1 channels, the first maximum winning (torch).
 */

/** Label of a background pixel in the reference's label map; classes are 0…N−1. */
export const REFERENCE_BACKGROUND = -1;

interface Tap {
  lo: number;
  hi: number;
  /** Weight of `hi`; `lo` gets 1 − weight. */
  weight: number;
}

/** torch's source position and weight, in float32 as torch computes them (exact ties stay ties). */
function sourceTap(dst: number, inSize: number, outSize: number): Tap {
  const f32 = Math.fround;
  const scale = f32(inSize / outSize);
  const src = Math.max(0, f32(f32(scale * (dst + 0.5)) - 0.5));
  const lo = Math.min(Math.trunc(src), inSize - 1);
  const hi = lo < inSize - 1 ? lo + 1 : lo;
  return { lo, hi, weight: Math.min(1, Math.max(0, f32(src - lo))) };
}

/**
 * @param final [G, N] row-major class scores per group.
 * @param groupOf [H, W] row-major group of each input pixel.
 * @returns [outH, outW] row-major labels: class index, or REFERENCE_BACKGROUND.
 */
export function referenceGroupvitLabels(final: ArrayLike<number>, N: number, threshold: number, groupOf: ArrayLike<number>, H: number, W: number, outH: number, outW: number): Int32Array {
  const C = N + 1;
  // Step 1: the (N+1)-channel map at input resolution, channel-major.
  const map = new Float64Array(C * H * W);
  for (let p = 0; p < H * W; p++) {
    const g = groupOf[p];
    let max = -Infinity;
    for (let n = 0; n < N; n++) {
      const v = final[g * N + n];
      map[(n + 1) * H * W + p] = v;
      if (v > max) max = v;
    }
    map[p] = max < threshold ? 1 : 0;
  }
  // Steps 2 and 3, one output pixel at a time.
  const out = new Int32Array(outH * outW);
  for (let y = 0; y < outH; y++) {
    const ty = sourceTap(y, H, outH);
    for (let x = 0; x < outW; x++) {
      const tx = sourceTap(x, W, outW);
      let bestChannel = 0;
      let bestValue = -Infinity;
      for (let c = 0; c < C; c++) {
        const base = c * H * W;
        const left = Math.fround(1 - tx.weight);
        const up = Math.fround(1 - ty.weight);
        const top = left * map[base + ty.lo * W + tx.lo] + tx.weight * map[base + ty.lo * W + tx.hi];
        const bottom = left * map[base + ty.hi * W + tx.lo] + tx.weight * map[base + ty.hi * W + tx.hi];
        const v = up * top + ty.weight * bottom;
        if (v > bestValue) {
          bestValue = v;
          bestChannel = c;
        }
      }
      out[y * outW + x] = bestChannel === 0 ? REFERENCE_BACKGROUND : bestChannel - 1;
    }
  }
  return out;
}
