/** Pix2seq decoding rules on hand-worked vectors (MODELS.md § Pix2seq; upstream where they differ). */
import { describe, expect, it } from 'vitest';
import { argmax, classFromProbs, dequantise, expInto, nucleusStep, nucleusThreshold, prngFromBytes, prngFromSeed, quantise, sampleAbove, softmaxInto } from './decode';
import { matchObjects, slotsToObjects, type DecodedSlots } from './objects';
import { DEFAULT_PIX2SEQ_PARAMS, readPix2seqParams } from './params';

const kept = (probs: number[], p: number) => {
  const a = Float64Array.from(probs);
  const t = nucleusThreshold(a, p, new Float64Array(a.length));
  return probs.flatMap((q, i) => (q >= t ? [i] : []));
};

describe('nucleus filtering (upstream top_logits)', () => {
  it('keeps the largest tokens whose cumulative mass stays within top-p', () => {
    // sorted 0.4, 0.3, 0.2, 0.1 → cumulative 0.4, 0.7, 0.9, 1.0
    expect(kept([0.1, 0.3, 0.2, 0.4], 0.4)).toEqual([3]);
    expect(kept([0.1, 0.3, 0.2, 0.4], 0.75)).toEqual([1, 3]);
    expect(kept([0.1, 0.3, 0.2, 0.4], 0.95)).toEqual([1, 2, 3]);
    expect(kept([0.1, 0.3, 0.2, 0.4], 1)).toEqual([0, 1, 2, 3]);
  });

  it('does not add the token that would carry the mass past top-p (upstream, not "smallest set reaching p")', () => {
    // 0.4 alone is under 0.5, 0.4 + 0.3 is over it: upstream keeps only the 0.4.
    expect(kept([0.3, 0.3, 0.4], 0.5)).toEqual([2]);
  });

  it('always keeps at least the top token', () => {
    expect(kept([0.6, 0.4], 0.4)).toEqual([0]);
    expect(kept([0.05, 0.9, 0.05], 0.1)).toEqual([1]);
  });

  it('keeps every token tied with the last one kept', () => {
    expect(kept([0.25, 0.25, 0.25, 0.25], 0.4)).toEqual([0, 1, 2, 3]);
    expect(kept([0.5, 0.5], 0.4)).toEqual([0, 1]);
    expect(kept([0.2, 0.4, 0.2, 0.2], 0.7)).toEqual([0, 1, 2, 3]);
  });

  it('agrees with a full sort on long, flat vocabularies', () => {
    const rnd = prngFromSeed(7);
    for (let trial = 0; trial < 20; trial++) {
      const V = 3000;
      const logits = Float64Array.from({ length: V }, () => rnd() * (trial % 4) * 3);
      const probs = new Float64Array(V);
      softmaxInto(logits, probs);
      const p = 0.1 + 0.8 * rnd();
      // Reference: sort everything, walk the cumulative sum.
      const sorted = [...probs].sort((a, b) => b - a);
      let cum = 0;
      let last = sorted[0];
      for (const q of sorted) {
        cum += q;
        if (cum > p) break;
        last = q;
      }
      expect(nucleusThreshold(probs, p, new Float64Array(V))).toBe(last);
    }
  });
});

describe('sampling and greedy', () => {
  it('samples only kept tokens, in proportion to their probability', () => {
    const probs = Float64Array.from([0.1, 0.3, 0.2, 0.4]);
    // kept {1: 0.3, 3: 0.4}, mass 0.7: u·0.7 < 0.3 picks token 1, else token 3.
    expect(sampleAbove(probs, 0.3, 0)).toBe(1);
    expect(sampleAbove(probs, 0.3, 0.42)).toBe(1);
    expect(sampleAbove(probs, 0.3, 0.43)).toBe(3);
    expect(sampleAbove(probs, 0.3, 0.999999)).toBe(3);
  });

  it('one nucleus step on logits: no draw when one token is kept, the same cut on unnormalised weights otherwise', () => {
    const scratch = new Float64Array(4);
    const w = new Float64Array(4);
    let draws = 0;
    const u = (x: number) => () => (draws++, x);
    // probabilities 0.25, 0.75 at p = 0.4: only token 1, and nothing drawn.
    expect(nucleusStep([0, Math.log(3)], new Float64Array(2), new Float64Array(2), 0.4, 1, u(0.5))).toBe(1);
    expect(draws).toBe(0);
    // probabilities 0.1, 0.3, 0.2, 0.4 at p = 0.75: tokens 1 and 3, chosen by the draw as sampleAbove does.
    const logits = [0.1, 0.3, 0.2, 0.4].map(Math.log);
    expect(nucleusStep(logits, w, scratch, 0.75, 1, u(0.42))).toBe(1);
    expect(nucleusStep(logits, w, scratch, 0.75, 1, u(0.43))).toBe(3);
    expect(draws).toBe(2);
    // Two tokens tied at the top, each 0.5 > p: both kept, so a draw decides.
    expect(nucleusStep([1, 1], new Float64Array(2), new Float64Array(2), 0.4, 1, u(0.9))).toBe(1);
    expect(draws).toBe(3);
    const stats = expInto([1, 3, 3, 2], w);
    expect(stats).toMatchObject({ top: 1, ties: 2 });
    expect(w[1]).toBe(1);
    expect(stats.sum).toBeCloseTo(2 + Math.exp(-2) + Math.exp(-1), 12); // weights e^-2, 1, 1, e^-1
  });

  it('greedy is the first argmax over the whole vocabulary', () => {
    expect(argmax([0, 5, 2, 5])).toBe(1);
    expect(argmax([0, 5, 2, 7], 0, 3)).toBe(1);
  });

  it('softmax with temperature', () => {
    const out = new Float64Array(2);
    softmaxInto([0, Math.log(3)], out);
    expect([...out]).toEqual([expect.closeTo(0.25, 12), expect.closeTo(0.75, 12)]);
    softmaxInto([0, Math.log(3)], out, 0.5); // logits ×2 → 1 : 9
    expect(out[1]).toBeCloseTo(0.9, 12);
  });

  it('the same seed gives the same draws, different seeds different ones', () => {
    const a = prngFromSeed(42);
    const b = prngFromSeed(42);
    const c = prngFromBytes(new Uint8Array(16).fill(1));
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect([c(), c(), c()]).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('class from the logits', () => {
  it('takes the most probable class token even when the sampled token is not a class', () => {
    // V = 12, classes are tokens 3..7 (classShift 3, coordShift 8); token 10 (a coordinate) is the most probable.
    const probs = Float64Array.from([0.01, 0.01, 0.02, 0.05, 0.01, 0.1, 0.15, 0.05, 0, 0, 0.6, 0]);
    expect(classFromProbs(probs, 3, 8)).toEqual({ classId: 3, score: 0.15 });
  });

  it('on ties takes the first class token', () => {
    const probs = Float64Array.from([0.5, 0, 0, 0.2, 0.2, 0.1, 0, 0, 0, 0, 0, 0]);
    expect(classFromProbs(probs, 3, 8)).toEqual({ classId: 0, score: 0.2 });
  });
});

describe('coordinates', () => {
  it('dequantises to a clipped fraction of the canvas', () => {
    expect(dequantise(1000, 1000, 1000)).toBe(0);
    expect(dequantise(1999, 1000, 1000)).toBe(1);
    expect(dequantise(1500, 1000, 1000)).toBe(500 / 999);
    expect(dequantise(999, 1000, 1000)).toBe(0); // a class token where a coordinate belongs
    expect(dequantise(0, 1000, 1000)).toBe(0); // padding
    expect(dequantise(2500, 1000, 1000)).toBe(1); // past the bins
  });

  it('quantises with ties to even and clips', () => {
    // bins 3: q·2 = 0.5 → 0, 1.5 → 2 (ties to even), as tf.round.
    expect(quantise(0.25, 100, 3)).toBe(100);
    expect(quantise(0.75, 100, 3)).toBe(102);
    expect(quantise(0.4, 100, 3)).toBe(101);
    expect(quantise(-0.3, 100, 3)).toBe(100);
    expect(quantise(1.7, 100, 3)).toBe(102);
  });
});

describe('slots to objects', () => {
  // S = 10, image 20×10 (w×h) resized to 10×5 on the canvas; bins 11, coordShift 100: token 100 + k is k/10.
  const p = { ...DEFAULT_PIX2SEQ_PARAMS, imageSize: 10, bins: 11, coordShift: 100, classShift: 20, maxInstances: 4 };
  const geo = { origWidth: 20, origHeight: 10, ppWidth: 10, ppHeight: 5 };
  const slots = (boxes: number[][], count = boxes.length): DecodedSlots => ({
    tokens: Int32Array.from(boxes.flatMap((b) => [...b, 21])),
    classIds: Int32Array.from(boxes.map(() => 1)),
    scores: Float32Array.from(boxes.map(() => 0.9)),
    count,
  });

  it('scales each fraction of the canvas back to original pixels (x·S·w/ppW, y·S·h/ppH)', () => {
    // y: q·10·10/5 = 20q; x: q·10·20/10 = 20q. [ymin .1, xmin .2, ymax .4, xmax .6] → x 4…12, y 2…8.
    const objs = slotsToObjects(slots([[101, 102, 104, 106]]), geo, p);
    expect(objs).toEqual([{ classId: 1, score: expect.closeTo(0.9, 6), bbox: [4, 2, 8, 6] }]);
  });

  it('clips to the image and treats out-of-range tokens as the canvas edges', () => {
    // ymax .6 → 12 → clipped to 10; xmin token 50 (below coordShift) → 0; xmax 250 → 1 → 20.
    const objs = slotsToObjects(slots([[101, 50, 106, 250]]), geo, p);
    expect(objs.map((o) => o.bbox)).toEqual([[0, 2, 20, 8]]);
  });

  it('drops zero-size boxes, including boxes that lie in the padding', () => {
    const objs = slotsToObjects(
      slots([
        [0, 0, 0, 0], // padding tokens
        [102, 102, 102, 105], // zero height
        [106, 101, 109, 104], // y 12…18: below the image, zero height after clipping
        [101, 101, 103, 103], // the one real box
      ]),
      geo,
      p,
    );
    expect(objs.map((o) => o.bbox)).toEqual([[2, 2, 4, 4]]);
  });

  it('reads only `count` slots (the maxInstances limit), whatever the buffer holds', () => {
    const five = [[101, 101, 103, 103], [101, 101, 104, 104], [101, 101, 105, 105], [101, 101, 106, 106], [101, 101, 107, 107]];
    expect(slotsToObjects(slots(five, 4), geo, p)).toHaveLength(4);
    expect(DEFAULT_PIX2SEQ_PARAMS.maxInstances).toBe(100);
  });

  it('maps classes to categories by name or prompt, case-insensitively; counts the unmatched per class', () => {
    const labels = new Map([
      [1, 'Red'],
      [2, 'green'],
      [3, 'blue'],
    ]);
    const box = [0, 0, 5, 5] as [number, number, number, number];
    const objs = [
      { classId: 1, score: 0.9, bbox: box },
      { classId: 2, score: 0.8, bbox: box },
      { classId: 3, score: 0.95, bbox: box },
      { classId: 3, score: 0.7, bbox: box },
      { classId: 3, score: 0.2, bbox: box }, // under scoreThreshold: not counted
      { classId: 9, score: 0.99, bbox: box }, // not in labels.json: dropped
    ];
    const q = { ...DEFAULT_PIX2SEQ_PARAMS };
    const r = matchObjects(objs, labels, [{ id: 7, name: 'RED' }, { id: 8, name: 'leaf', prompt: 'Green ', threshold: 0.85 }], q);
    expect(r.detections).toEqual([{ categoryId: 7, bbox: box, score: 0.9, phrase: 'Red' }]); // green 0.8 < its threshold 0.85
    expect(r.unmatched).toEqual({ blue: 2 });
  });
});

describe('params', () => {
  it('defaults are the COCO fine-tuning config; bad values name the key', () => {
    expect(readPix2seqParams({}, 'pack.json')).toEqual(DEFAULT_PIX2SEQ_PARAMS);
    expect(() => readPix2seqParams({ vocabSize: 1500 }, 'x/pack.json')).toThrow(/x\/pack.json: params.vocabSize \(1500\) must hold coordShift \+ bins = 2000/);
    expect(() => readPix2seqParams({ topP: 0 }, 'pack.json')).toThrow(/params.topP/);
  });
});

describe('the nucleus shortcut', () => {
  it('decides without exponentials only when the top token is kept alone anyway', () => {
    // V = 3000: the top token's probability is at least 1/(1 + 2999·e^(second − max)).
    const V = 3000;
    const scratch = new Float64Array(V);
    const w = new Float64Array(V);
    const never = () => {
      throw new Error('no draw expected');
    };
    const logits = new Float32Array(V);
    logits[7] = 9; // 1/(1 + 2999·e^-9) ≈ 0.73 > 0.4: token 7 alone
    expect(nucleusStep(logits, w, scratch, 0.4, 1, never)).toBe(7);
    logits[7] = 6; // e^6/(e^6 + 2999) ≈ 0.119 < 0.4: the nucleus holds token 7 and the 2999 tied tokens: a draw decides
    expect(nucleusStep(logits, w, scratch, 0.4, 1, () => 0)).toBe(0);
    // The bound fails (second − max = −1: 1/(1 + 2999/e) ≈ 0.0009) but the others are far below:
    // e^5/(e^5 + e^4 + 2998·e^-20) ≈ 0.731 > 0.4, so the full rule keeps token 7 alone, undrawn.
    logits.fill(-20);
    logits[7] = 5;
    logits[8] = 4;
    expect(nucleusStep(logits, w, scratch, 0.4, 1, never)).toBe(7);
  });
});
