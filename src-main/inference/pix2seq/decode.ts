/**
 * Pix2seq's per-token rules (MODELS.md § Pix2seq, upstream `architectures/transformers.py`
 * `top_logits` and `tasks/task_utils.py` `decode_object_seq_to_bbox`). Pure functions over
 * typed arrays, with caller-owned scratch space, so the decoding loop allocates nothing per step.
 */

/** What expInto found: the sum of the weights, the first argmax, and how many tokens share the maximum. */
export interface ExpStats {
  sum: number;
  top: number;
  ties: number;
}

/**
 * Unnormalised softmax: out[i] = exp((logits[i] − max) / temperature), so the top token
 * weighs 1 and probability = weight / sum. The decoding loop works on these weights and never
 * spends a pass on normalising.
 */
export function expInto(logits: ArrayLike<number>, out: Float32Array | Float64Array, temperature = 1): ExpStats {
  const n = out.length;
  let max = -Infinity;
  let top = 0;
  let ties = 0;
  for (let i = 0; i < n; i++) {
    const l = logits[i];
    if (l > max) {
      max = l;
      top = i;
      ties = 1;
    } else if (l === max) ties++;
  }
  const k = 1 / temperature;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((logits[i] - max) * k);
    out[i] = e;
    sum += e;
  }
  return { sum, top, ties };
}

/** probs ← softmax(logits / temperature), written to `out` (same length). Numerically stable. */
export function softmaxInto(logits: ArrayLike<number>, out: Float32Array | Float64Array, temperature = 1): void {
  const inv = 1 / expInto(logits, out, temperature).sum;
  for (let i = 0; i < out.length; i++) out[i] *= inv;
}

/** Index of the largest value (the first one on ties, as tf.argmax). */
export function argmax(v: ArrayLike<number>, from = 0, to = v.length): number {
  let best = from;
  for (let i = from + 1; i < to; i++) if (v[i] > v[best]) best = i;
  return best;
}

/**
 * Upstream's nucleus rule (`top_logits` with p < 1): sort descending, keep the tokens whose
 * cumulative probability is at most p — "the largest set with mass no more than p", which
 * is not quite MODELS.md's "smallest set whose mass reaches p" — and always the top token.
 * Tokens tied with the last kept one are kept too (upstream compares logits with ≥).
 * Returns the smallest kept probability: token i is kept iff probs[i] ≥ it. `probs` may be
 * unnormalised weights summing to `total`.
 *
 * Cost: the kept set lies among the largest probabilities, so only those above a bound are
 * sorted; the bound is lowered until the candidates hold more than p of the mass (then the
 * cut falls among them), and the whole vocabulary is sorted only as a last resort.
 */
export function nucleusThreshold(probs: Float32Array | Float64Array, topP: number, scratch: Float64Array, total = 1): number {
  const n = probs.length;
  const top = probs[argmax(probs)];
  if (topP >= 1) return 0;
  topP *= total;
  if (top > topP) return top;
  let bound = top / 64;
  for (;;) {
    let m = 0;
    let mass = 0;
    for (let i = 0; i < n; i++) {
      const q = probs[i];
      if (q >= bound) {
        scratch[m++] = q;
        mass += q;
      }
    }
    if (mass > topP || bound === 0) {
      const c = scratch.subarray(0, m).sort();
      let cum = 0;
      let last = top;
      for (let j = m - 1; j >= 0; j--) {
        cum += c[j];
        if (cum > topP) break;
        last = c[j];
      }
      return last;
    }
    bound = bound > 1e-30 ? bound / 64 : 0;
  }
}

/** Samples a token among those with probs ≥ threshold, proportionally to probs; `u` uniform in [0, 1). */
export function sampleAbove(probs: Float32Array | Float64Array, threshold: number, u: number): number {
  const n = probs.length;
  let mass = 0;
  for (let i = 0; i < n; i++) if (probs[i] >= threshold) mass += probs[i];
  let r = u * mass;
  let lastKept = -1;
  for (let i = 0; i < n; i++) {
    if (probs[i] < threshold) continue;
    lastKept = i;
    r -= probs[i];
    if (r < 0) return i;
  }
  return lastKept;
}

/**
 * The class of a slot from the full-vocabulary softmax of the logits that produced its fifth
 * token: the most probable token in [classShift, coordShift), whatever was sampled. Returns
 * class id (token − classShift) and that token's probability.
 */
export function classFromProbs(probs: Float32Array | Float64Array, classShift: number, coordShift: number, total = 1): { classId: number; score: number } {
  const t = argmax(probs, classShift, coordShift);
  return { classId: t - classShift, score: probs[t] / total };
}

/**
 * One nucleus step on the logits of the last position: the kept set as nucleusThreshold says,
 * one draw from it. `draw` is only called when the set holds more than one token (a draw
 * cannot change a single-token outcome), so the seed need not exist for confident steps.
 * `known`: `weights` already hold expInto(logits, weights, temperature) with these stats.
 */
export function nucleusStep(logits: ArrayLike<number>, weights: Float64Array, scratch: Float64Array, topP: number, temperature: number, draw: () => number, known?: ExpStats): number {
  if (known) return nucleusFromWeights(weights, scratch, topP, known, draw);
  // Shortcut without exponentials: the top token alone is kept when even the largest mass the
  // others could have, (V − 1)·e^((second − max)/T), leaves it above top-p.
  const n = weights.length;
  let max = -Infinity;
  let second = -Infinity;
  let first = 0;
  for (let i = 0; i < n; i++) {
    const l = logits[i];
    if (l > max) {
      second = max;
      max = l;
      first = i;
    } else if (l > second) second = l;
  }
  if (second < max && 1 > topP * (1 + (n - 1) * Math.exp((second - max) / temperature))) return first;
  return nucleusFromWeights(weights, scratch, topP, expInto(logits, weights, temperature), draw);
}

function nucleusFromWeights(weights: Float64Array, scratch: Float64Array, topP: number, { sum, top, ties }: ExpStats, draw: () => number): number {
  if (ties === 1 && 1 > topP * sum) return top;
  const threshold = nucleusThreshold(weights, topP, scratch, sum);
  if (threshold === 1 && ties === 1) return top;
  return sampleAbove(weights, threshold, draw());
}

/** A coordinate token as a fraction of the padded canvas, clipped to [0, 1]. */
export function dequantise(token: number, coordShift: number, bins: number): number {
  const q = (token - coordShift) / (bins - 1);
  return q < 0 ? 0 : q > 1 ? 1 : q;
}

/** A fraction of the padded canvas as a token: round(q·(bins − 1)) ties to even, clipped to [0, bins − 1], + coordShift. */
export function quantise(q: number, coordShift: number, bins: number): number {
  const x = q * (bins - 1);
  let r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) r -= 1;
  return coordShift + Math.min(bins - 1, Math.max(0, r));
}

/** sfc32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A PRNG from 16 seed bytes (e.g. the start of a SHA-256), warmed up as sfc32 recommends. */
export function prngFromBytes(seed: Uint8Array): () => number {
  const v = new DataView(seed.buffer, seed.byteOffset, 16);
  const next = sfc32(v.getUint32(0, true), v.getUint32(4, true), v.getUint32(8, true), v.getUint32(12, true));
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** A PRNG from a user's integer seed. */
export function prngFromSeed(seed: number): () => number {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, seed >>> 0, true);
  v.setUint32(4, Math.floor(seed / 4294967296) >>> 0, true);
  v.setUint32(8, 0x9e3779b9, true);
  v.setUint32(12, 0x85ebca6b, true);
  return prngFromBytes(b);
}
