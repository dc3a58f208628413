import { describe, expect, it } from 'vitest';
import { decodeRle } from '../../shared/masks';
import { referenceGroupvitLabels, REFERENCE_BACKGROUND } from '../../testing/groupvit-reference';
import { BACKGROUND, classMasks, groupAffinity, groupMap, labelRuns, type Affinity } from './postprocess';

/** Unit vectors e_i in D dims. */
const basis = (rows: number[][], D: number) => {
  const m = new Float32Array(rows.length * D);
  rows.forEach((r, i) => r.forEach((v, d) => (m[i * D + d] = v)));
  return m;
};
const norm = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('GroupViT affinity and background rule', () => {
  it('Final = Q ⊙ P with top-k masking; background below min(0.95, max Final)', () => {
    // 3 groups, 2 classes, D = 2; logit scale chosen so that scale = 1 (exp(0)).
    const grouped = basis([norm([1, 0]), norm([0.6, 0.4]), norm([0.5, 0.5])], 2);
    const text = basis([[1, 0], [0, 1]], 2);
    const avg = basis([norm([1, 0.2])], 2);
    const a = groupAffinity(grouped, text, avg, 3, 2, 2, 0);
    // with scale 1, everything is soft: max Final < 0.95, so threshold = max Final and
    // exactly the best group keeps its label; the others are background.
    const sm = (x: number[]) => {
      const e = x.map(Math.exp);
      const s = e.reduce((p, q) => p + q);
      return e.map((v) => v / s);
    };
    const g0 = sm([1, 0]);
    expect(a.final[0]).toBeCloseTo(g0[0] * g0[0], 6); // Q = P when k = N
    expect(a.threshold).toBeCloseTo(Math.max(...a.final), 7);
    expect(a.threshold).toBeLessThan(0.95);
    expect(Array.from(a.groupLabel)).toEqual([0, BACKGROUND, BACKGROUND]);
  });

  it('threshold is 0.95 when Final is confident; top-k = 5 masks the sixth class', () => {
    const D = 6;
    const text = basis(Array.from({ length: 6 }, (_, i) => Array.from({ length: D }, (_, d) => (d === i ? 1 : 0))), D);
    const grouped = basis([[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1]], D);
    // average feature ranks class 5 last → masked out of Q
    const avg = basis([norm([5, 4, 3, 2, 1, 0])], D);
    const a = groupAffinity(grouped, text, avg, 2, 6, D, Math.log(100));
    expect(a.threshold).toBe(0.95);
    expect(a.groupLabel[0]).toBe(0);
    // group 1 points at class 5 only, which is masked: Q spreads over classes 0..4, P is ~0 there
    expect(a.final[1 * 6 + 5]).toBe(0);
    expect(a.groupLabel[1]).toBe(BACKGROUND);
  });
});

/** The per-pixel upstream rule (src-main/testing/groupvit-reference.ts), labels as BACKGROUND or class. */
const naiveLabels = (gid: Uint8Array, H: number, W: number, oh: number, ow: number, a: Affinity): Int32Array =>
  referenceGroupvitLabels(a.final, a.N, a.threshold, gid, H, W, oh, ow).map((l) => (l === REFERENCE_BACKGROUND ? BACKGROUND : l));

/** Expands column-major label runs into a row-major label map. */
function runsToMap(runs: { labels: Int32Array; lengths: Int32Array; count: number }, oh: number, ow: number): Int32Array {
  const got = new Int32Array(oh * ow);
  let pos = 0;
  for (let i = 0; i < runs.count; i++) for (let k = 0; k < runs.lengths[i]; k++, pos++) got[(pos % oh) * ow + Math.floor(pos / oh)] = runs.labels[i];
  expect(pos).toBe(oh * ow);
  return got;
}

describe('two classes that touch, resized to 2× and 2.4× the input size', () => {
  // Input 448×600 (as from a 896×1200 or 1075×1440 original). Classes: 0 (groups 0 and 2),
  // 1 (group 1); groups 3…7 are ambiguous, hence background. A background band on top, a
  // curved boundary between class 0 (left) and class 1 (right), a class-0 blob of another
  // group along the boundary, and a background block inside class 1 away from the boundary.
  const H = 448;
  const W = 600;
  const D = 8;
  const e = (...v: number[]) => norm([...v, ...new Array(D - v.length).fill(0)]);
  const text = basis([e(1), e(0, 1), e(0, 0, 1)], D);
  const grouped = basis([e(1), e(0, 1), e(1, 0, 0.05), e(1, 1, 1), e(1, 1, 0.9), e(0.9, 1, 1), e(1, 0.9, 1), e(1, 1, 1, 1)], D);
  const aff = groupAffinity(grouped, text, basis([e(1, 1, 0.3)], D), 8, 3, D, Math.log(100));
  const boundary = (y: number) => Math.round(300 + 80 * Math.sin(y / 37));
  const gid = new Uint8Array(H * W);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let g = x < boundary(y) ? 0 : 1;
      if (y >= 300 && y < 360 && x < boundary(y) && x >= boundary(y) - 40) g = 2;
      if (y >= 200 && y < 260 && x >= 480 && x < 540) g = 6;
      if (y < 40) g = 5;
      gid[y * W + x] = g;
    }

  it('the affinities are what the scene needs (two classes, background elsewhere)', () => {
    expect(Array.from(aff.groupLabel)).toEqual([0, 1, 0, BACKGROUND, BACKGROUND, BACKGROUND, BACKGROUND, BACKGROUND]);
  });

  for (const [oh, ow] of [
    [896, 1200],
    [1075, 1440],
  ])
    it(`${ow}×${oh}: no background between the classes, and the label map is the per-pixel upstream rule`, () => {
      const got = runsToMap(labelRuns(gid, H, W, oh, ow, aff), oh, ow);
      // Below the band, each row goes from class 0 straight to class 1.
      let seamPixels = 0;
      for (let y = Math.ceil((45 * oh) / H); y < oh; y++) {
        let x = 0;
        while (x < ow && got[y * ow + x] === 0) x++;
        if (got[y * ow + x] !== 1) seamPixels++;
      }
      expect(seamPixels).toBe(0);
      const expected = naiveLabels(gid, H, W, oh, ow, aff);
      let differ = 0;
      for (let i = 0; i < expected.length; i++) if (got[i] !== expected[i]) differ++;
      expect(differ).toBe(0);
      // the background band and block are there, at their resized size
      expect(got[0]).toBe(BACKGROUND);
      expect(got[Math.round((230 * oh) / H) * ow + Math.round((510 * ow) / W)]).toBe(BACKGROUND);
    });
});

describe('exact ties, as torch computes the resize', () => {
  it('a weight of exactly 0.5 (448 → 400 rows) is a tie: background first, then the lowest class', () => {
    // torch's source row for output row 12 is float32(1.12)·12.5 − 0.5 = 13.5 exactly (in double
    // 13.500000000000002), so rows 13 and 14 weigh the same. Rows cycle class 1, class 0,
    // background, with exact scores: every such row is a tie.
    const [H, W, oh, ow] = [448, 3, 400, 3];
    const final = Float32Array.from([0, 1, 1, 0, 0, 0]);
    const aff: Affinity = { final, G: 3, N: 2, threshold: 0.95, groupLabel: Int32Array.from([1, 0, BACKGROUND]) };
    const gid = new Uint8Array(H * W);
    for (let y = 0; y < H; y++) gid.fill(y % 3, y * W, y * W + W);
    const got = runsToMap(labelRuns(gid, H, W, oh, ow, aff), oh, ow);
    const expected = naiveLabels(gid, H, W, oh, ow, aff);
    expect(Array.from(got)).toEqual(Array.from(expected));
    // row 12 reads rows 13 (class 0) and 14 (background) half and half: background
    expect(expected[12 * ow]).toBe(BACKGROUND);
  });
});

describe('label map per group equals the per-pixel definition', () => {
  it('on a random group map, up- and down-scaled', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const G = 4;
    const N = 3;
    const final = new Float32Array(G * N);
    for (let i = 0; i < final.length; i++) final[i] = rnd();
    const aff: Affinity = { final, G, N, threshold: 0.5, groupLabel: new Int32Array(G) };
    for (let g = 0; g < G; g++) {
      let b = 0;
      for (let n = 1; n < N; n++) if (final[g * N + n] > final[g * N + b]) b = n;
      aff.groupLabel[g] = final[g * N + b] < aff.threshold ? BACKGROUND : b;
    }
    const H = 9;
    const W = 7;
    const gid = new Uint8Array(H * W);
    // blocky regions so both pure and mixed cells occur
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) gid[y * W + x] = rnd() < 0.2 ? Math.floor(rnd() * G) : (Math.floor(y / 3) + Math.floor(x / 4)) % G;
    for (const [oh, ow] of [
      [23, 17],
      [5, 4],
      [9, 7],
    ]) {
      const runs = labelRuns(gid, H, W, oh, ow, aff);
      const expected = naiveLabels(gid, H, W, oh, ow, aff);
      // expand runs (column-major) back to a row-major map
      const got = new Int32Array(oh * ow);
      let pos = 0;
      for (let i = 0; i < runs.count; i++)
        for (let k = 0; k < runs.lengths[i]; k++, pos++) got[(pos % oh) * ow + Math.floor(pos / oh)] = runs.labels[i];
      expect(pos).toBe(oh * ow);
      expect(Array.from(got)).toEqual(Array.from(expected));
      // and the masks decode to the same pixels
      const masks = classMasks(runs, aff, [{ id: 1 }, { id: 2 }, { id: 3 }], oh, ow);
      for (const m of masks) {
        const bin = decodeRle(m.rle);
        const n = m.categoryId - 1;
        for (let i = 0; i < oh * ow; i++) expect(bin.data[i] ? 1 : 0).toBe(expected[i] === n ? 1 : 0);
        expect(m.area).toBe(expected.filter((l) => l === n).length);
      }
    }
  });
});

describe('label runs on larger maps (row sweep with 32-bit word skips)', () => {
  it('match the per-pixel definition for widths that are and are not multiples of 4', () => {
    let seed = 21;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const G = 6;
    const N = 3;
    const final = new Float32Array(G * N);
    for (let i = 0; i < final.length; i++) final[i] = rnd();
    final[5 * N + 1] = 0.99; // a confident group, so that threshold = 0.95 leaves some background
    const threshold = 0.95;
    const groupLabel = new Int32Array(G);
    for (let g = 0; g < G; g++) {
      let b = 0;
      for (let n = 1; n < N; n++) if (final[g * N + n] > final[g * N + b]) b = n;
      groupLabel[g] = final[g * N + b] < threshold ? BACKGROUND : b;
    }
    for (const [H, W] of [
      [23, 40],
      [31, 37],
      [17, 5],
    ]) {
      // large uniform blocks (skipped four cells at a time), a few stray pixels, one diagonal edge
      const gid = new Uint8Array(H * W);
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) gid[y * W + x] = rnd() < 0.03 ? Math.floor(rnd() * G) : x > y + 3 ? 5 : (Math.floor(y / 9) + Math.floor(x / 13)) % G;
      for (const aff of [
        { final, G, N, threshold, groupLabel },
        // 256 groups (ids up to 255): the column-by-column scan
        { final: Float32Array.from({ length: 256 * N }, (_, i) => final[i % (G * N)]), G: 256, N, threshold, groupLabel: Int32Array.from({ length: 256 }, (_, g) => groupLabel[g % G]) },
      ])
        for (const [oh, ow] of [
          [H * 3 + 1, W * 2 + 3],
          [Math.max(1, H >> 1), Math.max(1, W >> 1)],
        ]) {
          const runs = labelRuns(gid, H, W, oh, ow, aff);
          const expected = naiveLabels(gid, H, W, oh, ow, aff);
          const got = new Int32Array(oh * ow);
          let pos = 0;
          for (let i = 0; i < runs.count; i++) {
            if (i > 0) expect(runs.labels[i]).not.toBe(runs.labels[i - 1]); // runs are maximal
            for (let k = 0; k < runs.lengths[i]; k++, pos++) got[(pos % oh) * ow + Math.floor(pos / oh)] = runs.labels[i];
          }
          expect(pos).toBe(oh * ow);
          expect(Array.from(got)).toEqual(Array.from(expected));
        }
    }
  });
});

describe('attn_map at patch resolution', () => {
  it('is upsampled bilinearly (align_corners = false) before the argmax', () => {
    // 1×2 patch grid, G = 2: left patch group 0, right patch group 1 → 1×4 input: 0 0 1 1
    const attn = new Float32Array([0.9, 0.1, 0.2, 0.8]);
    expect(Array.from(groupMap(attn, 1, 2, 2, 1, 4))).toEqual([0, 0, 1, 1]);
    // same size: plain argmax
    expect(Array.from(groupMap(attn, 1, 2, 2, 1, 2))).toEqual([0, 1]);
  });

  it('G = 8 at input size: first maximum wins, NaN never wins', () => {
    const attn = new Float32Array([
      0, 1, 5, 5, 2, 5, 0, 0, // tie between 2, 3 and 5 → 2
      NaN, 1, 2, 3, 4, 5, 6, 7, // NaN first: nothing is greater → 0 (as the generic loop)
      1, NaN, 2, 3, 9, NaN, 6, 9, // → 4
      -1, -2, -3, -4, -5, -6, -7, -0.5, // → 7
    ]);
    expect(Array.from(groupMap(attn, 2, 2, 8, 2, 2))).toEqual([2, 0, 4, 7]);
  });
});
