/**
 * GroupViT postprocessing (MODELS.md): group–class affinity with top-k masking and the
 * background rule, then the label map at the original size computed per group.
 *
 * The (N+1)-channel map at the model's input resolution is [bg(p), Final[g(p)]], where bg(p) is
 * 1 where max Final[g(p)] < threshold and 0 elsewhere (upstream `group_vit_seg.encode_decode`);
 * mmseg then resizes it bilinearly (align_corners = false) to the original size and takes the
 * argmax, first maximum winning, so a tie between background and a class is background.
 * Resizing and taking the argmax only needs work where the four source pixels of an output
 * pixel have different labels: everywhere else the answer is that label. So the output is
 * produced as column-major runs (the RLE order) from the input-resolution group map, one input
 * row at a time, and per-pixel blending happens only at label boundaries.
 */
import type { Bbox, ClassMask } from '../../shared/contract';
import { connectedComponents, countsToString, decodeRle, encodeMask, rleArea, rleBbox } from '../../shared/masks';

export const BACKGROUND = -1;

export interface Affinity {
  /** [G, N] row-major. */
  final: Float32Array;
  G: number;
  N: number;
  threshold: number;
  /** Label per group: class index or BACKGROUND. */
  groupLabel: Int32Array;
}

const l2 = (v: Float32Array, off: number, n: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[off + i] * v[off + i];
  return Math.sqrt(s) || 1;
};

/** L2-normalises each row of a [rows, D] matrix in place. */
export function normaliseRows(m: Float32Array, rows: number, D: number): Float32Array {
  for (let r = 0; r < rows; r++) {
    const n = l2(m, r * D, D);
    for (let i = 0; i < D; i++) m[r * D + i] /= n;
  }
  return m;
}

function softmaxInPlace(v: Float64Array, off: number, n: number, mask?: Uint8Array): void {
  let mx = -Infinity;
  for (let i = 0; i < n; i++) if ((!mask || mask[i]) && v[off + i] > mx) mx = v[off + i];
  let s = 0;
  for (let i = 0; i < n; i++) {
    const e = !mask || mask[i] ? Math.exp(v[off + i] - mx) : 0;
    v[off + i] = e;
    s += e;
  }
  for (let i = 0; i < n; i++) v[off + i] /= s;
}

/**
 * grouped [G,D], text [N,D], avg [D], all L2-normalised. Returns Final = Q ⊙ P and the label
 * of each group under the background rule.
 */
export function groupAffinity(grouped: Float32Array, text: Float32Array, avg: Float32Array, G: number, N: number, D: number, logitScale: number): Affinity {
  const scale = Math.min(Math.exp(logitScale), 100);
  const A = new Float64Array(G * N);
  for (let g = 0; g < G; g++)
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += grouped[g * D + d] * text[n * D + d];
      A[g * N + n] = s * scale;
    }
  const P = Float64Array.from(A);
  for (let g = 0; g < G; g++) softmaxInPlace(P, g * N, N);
  // top-k classes by softmax(avg · textᵀ · scale) (softmax is monotonic: rank the logits)
  const avgLogits = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += avg[d] * text[n * D + d];
    avgLogits[n] = s * scale;
  }
  const k = Math.min(5, N);
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => avgLogits[b] - avgLogits[a] || a - b);
  const keep = new Uint8Array(N);
  for (let i = 0; i < k; i++) keep[order[i]] = 1;
  const Q = Float64Array.from(A);
  for (let g = 0; g < G; g++) softmaxInPlace(Q, g * N, N, keep);
  const final = new Float32Array(G * N);
  let globalMax = -Infinity;
  for (let i = 0; i < G * N; i++) {
    final[i] = Q[i] * P[i];
    if (final[i] > globalMax) globalMax = final[i];
  }
  const threshold = Math.min(0.95, globalMax);
  const groupLabel = new Int32Array(G);
  for (let g = 0; g < G; g++) {
    let best = 0;
    for (let n = 1; n < N; n++) if (final[g * N + n] > final[g * N + best]) best = n;
    groupLabel[g] = final[g * N + best] < threshold ? BACKGROUND : best;
  }
  return { final, G, N, threshold, groupLabel };
}

/**
 * Group of each pixel of the model's input (H×W): argmax over G of attn [H',W',G]. When the
 * map is at patch resolution it is first upsampled bilinearly (align_corners = false) to H×W.
 */
export function groupMap(attn: Float32Array, Hp: number, Wp: number, G: number, H: number, W: number): Uint8Array {
  const out = new Uint8Array(H * W);
  if (Hp === H && Wp === W) {
    const n = H * W;
    if (G === 8) {
      argmax8(attn, out, n);
      return out;
    }
    for (let p = 0, o = 0; p < n; p++, o += G) {
      let best = 0;
      let bv = attn[o];
      for (let g = 1; g < G; g++) {
        const v = attn[o + g];
        if (v > bv) {
          bv = v;
          best = g;
        }
      }
      out[p] = best;
    }
    return out;
  }
  const xs = bilinearAxis(Wp, W);
  const ys = bilinearAxis(Hp, H);
  const acc = new Float32Array(G);
  for (let y = 0; y < H; y++) {
    const y0 = ys.i0[y];
    const y1 = ys.i1[y];
    const wy = ys.w[y];
    for (let x = 0; x < W; x++) {
      const x0 = xs.i0[x];
      const x1 = xs.i1[x];
      const wx = xs.w[x];
      const a = (y0 * Wp + x0) * G;
      const b = (y0 * Wp + x1) * G;
      const c = (y1 * Wp + x0) * G;
      const d = (y1 * Wp + x1) * G;
      let best = 0;
      let bv = -Infinity;
      for (let g = 0; g < G; g++) {
        acc[g] = (1 - wy) * ((1 - wx) * attn[a + g] + wx * attn[b + g]) + wy * ((1 - wx) * attn[c + g] + wx * attn[d + g]);
        if (acc[g] > bv) {
          bv = acc[g];
          best = g;
        }
      }
      out[y * W + x] = best;
    }
  }
  return out;
}

/**
 * First-max argmax over 8 groups per pixel, unrolled: the same sequential strict comparisons as
 * the generic loop (ties and NaN behave identically), about twice as fast on the 1080p case.
 */
function argmax8(attn: Float32Array, out: Uint8Array, n: number): void {
  for (let p = 0, o = 0; p < n; p++, o += 8) {
    let best = 0;
    let bv = attn[o];
    let v = attn[o + 1];
    if (v > bv) {
      bv = v;
      best = 1;
    }
    v = attn[o + 2];
    if (v > bv) {
      bv = v;
      best = 2;
    }
    v = attn[o + 3];
    if (v > bv) {
      bv = v;
      best = 3;
    }
    v = attn[o + 4];
    if (v > bv) {
      bv = v;
      best = 4;
    }
    v = attn[o + 5];
    if (v > bv) {
      bv = v;
      best = 5;
    }
    v = attn[o + 6];
    if (v > bv) {
      bv = v;
      best = 6;
    }
    if (attn[o + 7] > bv) best = 7;
    out[p] = best;
  }
}

/**
 * Source indices and weight for resizing `inSize` → `outSize` bilinearly, align_corners = false,
 * in float32 as torch computes them (scale = in/out, source = scale·(o + 0.5) − 0.5, clamped
 * at 0): exact ties (a weight of exactly 0.5) must stay ties, or the first-maximum rule breaks
 * them the other way.
 */
export function bilinearAxis(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w: Float64Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w = new Float64Array(outSize);
  const f = Math.fround;
  const s = f(inSize / outSize);
  for (let o = 0; o < outSize; o++) {
    let src = f(f(s * (o + 0.5)) - 0.5);
    if (src < 0) src = 0;
    let a = Math.floor(src);
    if (a > inSize - 1) a = inSize - 1;
    i0[o] = a;
    i1[o] = Math.min(a + 1, inSize - 1);
    w[o] = Math.min(Math.max(f(src - a), 0), 1);
  }
  return { i0, i1, w };
}

/**
 * Label runs of the original-size label map in column-major order (COCO RLE order):
 * parallel arrays of label (BACKGROUND or class) and run length.
 */
export function labelRuns(gid: Uint8Array, H: number, W: number, outH: number, outW: number, aff: Affinity): { labels: Int32Array; lengths: Int32Array; count: number } {
  const { groupLabel, final, N } = aff;
  const xs = bilinearAxis(W, outW);
  const ys = bilinearAxis(H, outH);
  // Output rows per source row y0: [rowStart[y0], rowStart[y0 + 1]).
  const rowStart = new Int32Array(H + 1);
  {
    let y0 = 0;
    for (let y = 0; y < outH; y++) {
      while (y0 < ys.i0[y]) rowStart[++y0] = y;
    }
    while (y0 < H) rowStart[++y0] = outH;
  }
  let cap = 1024;
  let labels = new Int32Array(cap);
  let lengths = new Int32Array(cap);
  let count = 0;
  let lastLabel = -2;
  const push = (label: number, n: number) => {
    if (label === lastLabel) {
      lengths[count - 1] += n;
      return;
    }
    if (count === cap) {
      cap *= 2;
      const l2 = new Int32Array(cap);
      l2.set(labels);
      labels = l2;
      const n2 = new Int32Array(cap);
      n2.set(lengths);
      lengths = n2;
    }
    labels[count] = label;
    lengths[count++] = n;
    lastLabel = label;
  };
  const mix = new Float64Array(N);
  const blend = (y: number, x0: number, x1: number, wx: number, r0: number, r1: number): number => {
    const wy = ys.w[y];
    const g00 = gid[r0 * W + x0];
    const g01 = gid[r0 * W + x1];
    const g10 = gid[r1 * W + x0];
    const g11 = gid[r1 * W + x1];
    const o00 = g00 * N;
    const o01 = g01 * N;
    const o10 = g10 * N;
    const o11 = g11 * N;
    // Nested as torch's upsample_bilinear2d: (1 − wy)·row0 + wy·row1, each row (1 − wx)·a + wx·b.
    const vx = Math.fround(1 - wx);
    const vy = Math.fround(1 - wy);
    let best = 0;
    for (let n = 0; n < N; n++) {
      mix[n] = vy * (vx * final[o00 + n] + wx * final[o01 + n]) + wy * (vx * final[o10 + n] + wx * final[o11 + n]);
      if (mix[n] > mix[best]) best = n;
    }
    // The background channel is 1 at background pixels and 0 elsewhere. It is channel 0, first
    // in the argmax, so a tie between background and a class is background.
    const b00 = groupLabel[g00] === BACKGROUND ? 1 : 0;
    const b01 = groupLabel[g01] === BACKGROUND ? 1 : 0;
    const b10 = groupLabel[g10] === BACKGROUND ? 1 : 0;
    const b11 = groupLabel[g11] === BACKGROUND ? 1 : 0;
    const bg = vy * (vx * b00 + wx * b01) + wy * (vx * b10 + wx * b11);
    return bg >= mix[best] ? BACKGROUND : best;
  };
  // Per source column pair (x0, x0 + 1): the source rows as segments that are either pure
  // (all four corners of every cell in the segment in one group → that group's label) or
  // mixed (blended per output pixel). Output columns sharing x0 reuse the segments.
  // Purity is decided on labels, not groups: if two groups have the same label (the same
  // first-argmax class, each ≥ threshold > 0 with background channel 0; or both background,
  // background channel 1 > every class score, all < threshold ≤ 0.95) every convex blend of
  // their rows has it too, so such cells need no per-pixel work.
  const { segOff, segStart, segLabel } = aff.G <= 255 ? cellSegmentsRows(gid, H, W, groupLabel) : cellSegmentsColumns(gid, H, W, groupLabel);
  for (let x = 0; x < outW; x++) {
    const x0 = xs.i0[x];
    const x1 = xs.i1[x];
    const wx = xs.w[x];
    const end = segOff[x0 + 1];
    for (let k = segOff[x0]; k < end; k++) {
      const r = segStart[k];
      const rEnd = k + 1 < end ? segStart[k + 1] : H;
      const l = segLabel[k];
      if (l !== MIXED) {
        const n = rowStart[rEnd] - rowStart[r];
        if (n > 0) push(l, n);
      } else {
        const r1 = r + 1 < H ? r + 1 : r;
        for (let y = rowStart[r]; y < rowStart[r + 1]; y++) push(blend(y, x0, x1, wx, r, r1), 1);
      }
    }
  }
  return { labels, lengths, count };
}

/** Marks a source cell whose four corners have different labels (blended per output pixel). */
const MIXED = -2;

interface CellSegments {
  /** Segments of source column x0: [segOff[x0], segOff[x0 + 1]). */
  segOff: Int32Array;
  /** First source row of each segment (the segment runs to the next one's start, or H). */
  segStart: Int32Array;
  /** The segment's label, or MIXED for a single mixed row. */
  segLabel: Int32Array;
}

/**
 * Per source column pair (x0, x0 + 1): the source rows as segments that are either pure (all
 * four corners of every cell in the segment have one label) or mixed (one row, blended per
 * output pixel). The straightforward column-by-column scan, for any number of groups.
 */
function cellSegmentsColumns(gid: Uint8Array, H: number, W: number, groupLabel: Int32Array): CellSegments {
  const segOff = new Int32Array(W + 1);
  let segCap = W * 4;
  let segStart = new Int32Array(segCap);
  let segLabel = new Int32Array(segCap);
  let nSeg = 0;
  for (let x0 = 0; x0 < W; x0++) {
    segOff[x0] = nSeg;
    const x1 = x0 + 1 < W ? x0 + 1 : x0;
    let prev = -3;
    for (let r = 0; r < H; r++) {
      const r1 = r + 1 < H ? r + 1 : r;
      const g = gid[r * W + x0];
      const g01 = gid[r * W + x1];
      const g10 = gid[r1 * W + x0];
      const g11 = gid[r1 * W + x1];
      let cell: number;
      if (g === g01 && g === g10 && g === g11) cell = groupLabel[g];
      else {
        const l = groupLabel[g];
        cell = l === groupLabel[g01] && l === groupLabel[g10] && l === groupLabel[g11] ? l : MIXED;
      }
      if (cell !== prev || cell === MIXED) {
        if (nSeg === segCap) {
          segCap *= 2;
          const a = new Int32Array(segCap);
          a.set(segStart);
          segStart = a;
          const b = new Int32Array(segCap);
          b.set(segLabel);
          segLabel = b;
        }
        segStart[nSeg] = r;
        segLabel[nSeg++] = cell;
        prev = cell;
      }
    }
  }
  segOff[W] = nSeg;
  return { segOff, segStart, segLabel };
}

/**
 * The same segments from one row-major sweep (sequential reads of two rows at a time). The
 * group map is copied with a row stride of a multiple of 4 bytes plus a replicated last column
 * (the x0 + 1 = W − 1 clamp), so four cells are tested with 32-bit words: where two rows agree
 * on one group over five columns and the previous row's cells had that group too, nothing
 * changes and the four cells are skipped. Groups must be < 255 (255 marks "not pure by group").
 */
function cellSegmentsRows(gid: Uint8Array, H: number, W: number, groupLabel: Int32Array): CellSegments {
  const S = (W + 4) & ~3; // ≥ W + 1, multiple of 4
  const gp = new Uint8Array(S * H);
  for (let r = 0; r < H; r++) {
    const o = r * S;
    gp.set(gid.subarray(r * W, r * W + W), o);
    gp.fill(gid[r * W + W - 1], o + W, o + S);
  }
  const gw = new Uint32Array(gp.buffer, gp.byteOffset, gp.length >> 2);
  const lab = new Int32Array(256).fill(BACKGROUND);
  lab.set(groupLabel.subarray(0, 256));
  const NONE = 255;
  /** Per column: group of the previous row's cell when pure by group, else NONE. */
  const prevG = new Uint8Array(S).fill(NONE);
  const pw = new Uint32Array(prevG.buffer);
  /** Per column: label of the previous row's cell (MIXED, or −3 before the first row). */
  const prevL = new Int32Array(W).fill(-3);
  const perCol = new Int32Array(W + 1);
  let cap = Math.max(64, W * 4);
  let recX = new Int32Array(cap);
  let recR = new Int32Array(cap);
  let recL = new Int32Array(cap);
  let nRec = 0;
  const W4 = W & ~3;
  for (let r = 0; r < H; r++) {
    const o0 = r * S;
    const o1 = (r + 1 < H ? r + 1 : r) * S;
    const w0 = o0 >> 2;
    const w1 = o1 >> 2;
    let x0 = 0;
    while (x0 < W) {
      if (x0 < W4) {
        const a = gw[w0 + (x0 >> 2)];
        if (a === gw[w1 + (x0 >> 2)] && a === pw[x0 >> 2]) {
          const g = a & 255;
          if (a === g * 0x01010101 && gp[o0 + x0 + 4] === g && gp[o1 + x0 + 4] === g) {
            x0 += 4;
            continue;
          }
        }
      }
      // Up to four cells one by one (to the next word boundary).
      const stop = x0 + 4 < W ? x0 + 4 : W;
      for (; x0 < stop; x0++) {
        const a0 = gp[o0 + x0];
        const a1 = gp[o0 + x0 + 1];
        const b0 = gp[o1 + x0];
        const b1 = gp[o1 + x0 + 1];
        let cell: number;
        if (a0 === a1 && b0 === b1 && a0 === b0) {
          if (prevG[x0] === a0) continue;
          prevG[x0] = a0;
          cell = lab[a0];
          if (cell === prevL[x0]) continue;
        } else {
          prevG[x0] = NONE;
          const l = lab[a0];
          cell = l === lab[a1] && l === lab[b0] && l === lab[b1] ? l : MIXED;
          if (cell === prevL[x0] && cell !== MIXED) continue;
        }
        prevL[x0] = cell;
        if (nRec === cap) {
          cap *= 2;
          const nx = new Int32Array(cap);
          nx.set(recX);
          recX = nx;
          const nr = new Int32Array(cap);
          nr.set(recR);
          recR = nr;
          const nl = new Int32Array(cap);
          nl.set(recL);
          recL = nl;
        }
        recX[nRec] = x0;
        recR[nRec] = r;
        recL[nRec++] = cell;
        perCol[x0 + 1]++;
      }
    }
  }
  // Group the records (row order) by column: a counting sort keeps the rows ascending.
  for (let x = 0; x < W; x++) perCol[x + 1] += perCol[x];
  const fill = perCol.slice(0, W);
  const segStart = new Int32Array(nRec);
  const segLabel = new Int32Array(nRec);
  for (let i = 0; i < nRec; i++) {
    const k = fill[recX[i]]++;
    segStart[k] = recR[i];
    segLabel[k] = recL[i];
  }
  return { segOff: perCol, segStart, segLabel };
}

/** COCO counts (column-major, starting with zeros) of one class from label runs. */
export function classCounts(runs: { labels: Int32Array; lengths: Int32Array; count: number }, cls: number): Uint32Array | null {
  const out: number[] = [];
  let cur = 0;
  let acc = 0;
  let any = false;
  for (let i = 0; i < runs.count; i++) {
    const v = runs.labels[i] === cls ? 1 : 0;
    if (v) any = true;
    if (v === cur) acc += runs.lengths[i];
    else {
      out.push(acc);
      acc = runs.lengths[i];
      cur = v;
    }
  }
  out.push(acc);
  return any ? Uint32Array.from(out) : null;
}

export interface MaskCategory {
  id: number;
}

/** One ClassMask per class present (or per connected component when `instances`). */
export function classMasks(
  runs: { labels: Int32Array; lengths: Int32Array; count: number },
  aff: Affinity,
  categories: MaskCategory[],
  outH: number,
  outW: number,
  instances = false,
): ClassMask[] {
  const out: ClassMask[] = [];
  for (let n = 0; n < aff.N; n++) {
    const counts = classCounts(runs, n);
    if (!counts) continue;
    let score = 0;
    for (let g = 0; g < aff.G; g++) if (aff.groupLabel[g] === n || aff.final[g * aff.N + n] >= aff.threshold) score = Math.max(score, aff.final[g * aff.N + n]);
    const rle = { size: [outH, outW] as [number, number], counts: countsToString(counts) };
    if (!instances) {
      out.push({ categoryId: categories[n].id, rle, area: rleArea(counts), bbox: rleBbox(counts, outH, outW) as Bbox, score });
      continue;
    }
    for (const comp of connectedComponents(decodeRle(rle), 8)) {
      const r = encodeMask(comp);
      out.push({ categoryId: categories[n].id, rle: r, area: rleArea(r), bbox: rleBbox(r) as Bbox, score });
    }
  }
  return out;
}
