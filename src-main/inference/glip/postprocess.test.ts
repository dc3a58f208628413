import { describe, expect, it } from 'vitest';
import { decodeBox, iouPlus1, levelAnchors, levelCandidates, nmsAndTop, toCocoBox, topKIndices, type Candidate } from './postprocess';

describe('GLIP anchors', () => {
  it('stride 8: cell (0,0) and (1,2) by hand', () => {
    const a = levelAnchors(8, 2, 3);
    // [−3.5s + js, −3.5s + is, 4.5s − 1 + js, 4.5s − 1 + is]
    expect(Array.from(a.slice(0, 4))).toEqual([-28, -28, 35, 35]);
    const k = (1 * 3 + 2) * 4;
    expect(Array.from(a.slice(k, k + 4))).toEqual([-28 + 16, -28 + 8, 35 + 16, 35 + 8]);
    // size 8·stride with the +1 width convention
    expect(a[2] - a[0] + 1).toBe(64);
  });

  it('stride 128: cell (0,0) and (2,1)', () => {
    const a = levelAnchors(128, 3, 2);
    expect(Array.from(a.slice(0, 4))).toEqual([-448, -448, 575, 575]);
    const k = (2 * 2 + 1) * 4;
    expect(Array.from(a.slice(k, k + 4))).toEqual([-448 + 128, -448 + 256, 575 + 128, 575 + 256]);
    expect(a[2] - a[0] + 1).toBe(1024);
  });
});

describe('ATSS decode', () => {
  it('zero regression returns the anchor', () => {
    for (const anchor of [
      [-28, -28, 35, 35],
      [-448, -320, 575, 703],
      [10, 20, 73, 83],
    ]) {
      const b = decodeBox(0, 0, 0, 0, anchor);
      b.forEach((v, i) => expect(v).toBeCloseTo(anchor[i], 9));
    }
  });

  it('applies the (10,10,5,5) weights and the +1 width', () => {
    // anchor width 64, centre 3.5; dx = 10 → shift by one width; dw = 5·ln 2 → width 128
    const b = decodeBox(10, 0, 5 * Math.log(2), 0, [-28, -28, 35, 35]);
    expect(b[0]).toBeCloseTo(3.5 + 64 - 127 / 2, 9);
    expect(b[2]).toBeCloseTo(3.5 + 64 + 127 / 2, 9);
    expect(b[1]).toBeCloseTo(-28, 9);
  });

  it('clamps dw at log(1000/16)', () => {
    const b = decodeBox(0, 0, 1000, 0, [0, 0, 9, 9]);
    expect(b[2] - b[0] + 1).toBeCloseTo(10 * (1000 / 16), 6);
  });
});

describe('per-category greedy NMS (+1 areas) and the top-100 cut', () => {
  it('IoU uses +1 areas', () => {
    expect(iouPlus1([0, 0, 9, 9], [0, 0, 9, 9])).toBe(1);
    expect(iouPlus1([0, 0, 9, 9], [0, 0, 9, 5])).toBe(0.6); // 60 / 100
  });

  it('suppresses at exactly the threshold (IoU = 0.6), keeps just below', () => {
    const at: Candidate[] = [
      { box: [0, 0, 9, 9], score: 0.9, label: 0 },
      { box: [0, 0, 9, 5], score: 0.8, label: 0 }, // IoU exactly 0.6
    ];
    expect(nmsAndTop(at)).toHaveLength(1);
    const below: Candidate[] = [
      { box: [0, 0, 9, 9], score: 0.9, label: 0 },
      { box: [0, 0, 9, 4], score: 0.8, label: 0 }, // 50/100
    ];
    expect(nmsAndTop(below)).toHaveLength(2);
  });

  it('is per category and greedy (a suppressed box suppresses nothing)', () => {
    const c: Candidate[] = [
      { box: [0, 0, 9, 9], score: 0.9, label: 0 },
      { box: [0, 0, 9, 9], score: 0.8, label: 1 }, // other category: kept
      { box: [3, 0, 12, 9], score: 0.7, label: 0 }, // IoU 70/130 = 0.54 with the first: kept
      { box: [6, 0, 15, 9], score: 0.6, label: 0 }, // IoU 0.54 with the third → kept? 70/130 < 0.6 yes, and 40/160 with the first
    ];
    expect(nmsAndTop(c).map((d) => d.score)).toEqual([0.9, 0.8, 0.7, 0.6]);
    const chain: Candidate[] = [
      { box: [0, 0, 9, 9], score: 0.9, label: 0 },
      { box: [1, 0, 10, 9], score: 0.8, label: 0 }, // suppressed by the first (IoU 90/110)
      { box: [4, 0, 13, 9], score: 0.7, label: 0 }, // IoU 60/140 with the first → kept even though it overlaps the suppressed one a lot
    ];
    expect(nmsAndTop(chain).map((d) => d.score)).toEqual([0.9, 0.7]);
  });

  it('keeps exactly 100 when scores tie at the boundary, in a stable order', () => {
    const cands: Candidate[] = [];
    for (let i = 0; i < 150; i++) cands.push({ box: [i * 20, 0, i * 20 + 9, 9], score: i < 50 ? 0.9 : 0.5, label: 0 });
    const out = nmsAndTop(cands);
    expect(out).toHaveLength(100);
    expect(out.filter((d) => d.score === 0.9)).toHaveLength(50);
    // the 50 tied at 0.5 that made it are the first 50 of them
    expect(out.slice(50).map((d) => d.box[0])).toEqual(Array.from({ length: 50 }, (_, i) => (50 + i) * 20));
  });

  it('topKIndices is stable on ties', () => {
    expect(topKIndices([1, 3, 3, 2, 3], 3)).toEqual([1, 2, 4]);
  });
});

describe('level candidates', () => {
  it('mean over the category tokens, > 0.05 before centerness, sqrt(score·centerness), clipped', () => {
    // one level 1×2 cells, 4 tokens; category 0 = tokens 1..2
    const logit = (p: number) => Math.log(p / (1 - p));
    const dot = new Float32Array([0, logit(0.9), logit(0.7), 0, 0, logit(0.06), logit(0.02), 0]);
    const centerness = new Float32Array([0, logit(0.5)]); // sigmoid 0.5 each
    const regression = new Float32Array(8); // zero → anchors
    const c = levelCandidates({ stride: 8, h: 1, w: 2, tokens: 4, regression, centerness, dotLogits: dot }, [[1, 2]], 3, 100, 50);
    // cell 0: mean 0.8 > 0.05 → score sqrt(0.8·0.5); cell 1: mean 0.04 → dropped
    expect(c).toHaveLength(1);
    expect(c[0].label).toBe(3);
    expect(c[0].score).toBeCloseTo(Math.sqrt(0.4), 5);
    expect(c[0].box).toEqual([0, 0, 35, 35]); // anchor [-28,-28,35,35] clipped to [0, 99]×[0, 49]
  });
});

describe('COCO conversion', () => {
  it('scales x and y separately, then [x1, y1, x2 − x1 + 1, y2 − y1 + 1]', () => {
    expect(toCocoBox([10, 20, 29, 59], 100, 200, 200, 100)).toEqual([20, 10, 39, 20.5]);
  });
});
