/** SAM's prompt and geometry rules against numbers worked out by hand from upstream's formulas. */
import { describe, expect, it } from 'vitest';
import { decodeRle } from '../../shared/masks';
import { chooseMask, encodePrompt, samPlan, samResizedSize, thresholdToRle } from './transform';
import { caught } from '../../testing/expect-lw-error';

describe('resized size (ResizeLongestSide.get_preprocess_shape)', () => {
  it('scales the long side to 1024 and rounds the other with int(x + 0.5)', () => {
    expect(samResizedSize(640, 480)).toEqual({ width: 1024, height: 768 }); // ×1.6
    expect(samResizedSize(480, 640)).toEqual({ width: 768, height: 1024 });
    // 451 tall: 300 · 1024/451 = 681.15… → 681
    expect(samResizedSize(300, 451)).toEqual({ width: 681, height: 1024 });
    // 2048×5: 5 · 0.5 = 2.5 → int(3.0) = 3 (a half goes up; ties-to-even would give 2, floor 2)
    expect(samResizedSize(2048, 5)).toEqual({ width: 1024, height: 3 });
    // 2048×7: 3.5 → 4 (ties-to-even would also give 4; 2.5 above is the case that tells them apart)
    expect(samResizedSize(2048, 7)).toEqual({ width: 1024, height: 4 });
    // Upscaling: 100×60 → ×10.24 → 1024×614.4 → 614
    expect(samResizedSize(100, 60)).toEqual({ width: 1024, height: 614 });
  });

  it('pads the normalised image to 1024×1024, or not at all for an encoder that pads itself', () => {
    expect(samPlan('nchw')(640, 480)).toMatchObject({ width: 1024, height: 768, padWidth: 1024, padHeight: 1024, channelOrder: 'rgb' });
    expect(samPlan('hwc')(640, 480)).toMatchObject({ width: 1024, height: 768, padWidth: 1024, padHeight: 768, values: 'unit' });
  });
});

describe('prompt tensors', () => {
  it('maps a click through the rounded size per axis and appends the padding point (0, 0) with label −1', () => {
    // 2048×5 → 1024×3: x · 1024/2048 = 500, y · 3/5 = 1.2 (not 2 · 0.5 = 1.0: the rounded height counts)
    const t = encodePrompt({ points: [{ x: 1000, y: 2, label: 1 }] }, 2048, 5);
    expect(t.n).toBe(2);
    expect(Array.from(t.labels)).toEqual([1, -1]);
    expect(t.coords[0]).toBe(500);
    expect(t.coords[1]).toBeCloseTo(1.2, 6);
    expect([t.coords[2], t.coords[3]]).toEqual([0, 0]);
  });

  it('keeps negative clicks as label 0, in order', () => {
    // 640×480 → 1024×768: ×1.6 on both axes
    const t = encodePrompt(
      {
        points: [
          { x: 164, y: 214, label: 1 },
          { x: 10, y: 20, label: 0 },
        ],
      },
      640,
      480,
    );
    expect(Array.from(t.labels)).toEqual([1, 0, -1]);
    expect(Array.from(t.coords)).toEqual([164 * 1.6, 214 * 1.6, 16, 32, 0, 0].map(Math.fround));
  });

  it('feeds a COCO box as its corners labelled 2 and 3, after the clicks, with no padding point', () => {
    const box = encodePrompt({ points: [], box: [100, 150, 128, 128] }, 640, 480);
    expect(box.n).toBe(2);
    expect(Array.from(box.labels)).toEqual([2, 3]);
    // (100, 150) → (160, 240); (228, 278) → (364.8, 444.8)
    expect(Array.from(box.coords)).toEqual([160, 240, 364.8, 444.8].map(Math.fround));
    const both = encodePrompt({ points: [{ x: 120, y: 160, label: 0 }], box: [100, 150, 128, 128] }, 640, 480);
    expect(Array.from(both.labels)).toEqual([0, 2, 3]);
    expect(both.coords[0]).toBe(192);
  });

  it('passes a box that sticks out of the image as it is (upstream does not clip)', () => {
    const t = encodePrompt({ points: [], box: [-10, 400, 100, 200] }, 640, 480);
    // (−10, 400) → (−16, 640); (90, 600) → (144, 960)
    expect(Array.from(t.coords)).toEqual([-16, 640, 144, 960]);
  });

  it('refuses a click outside the image, an empty prompt, and a box with no area in the image', async () => {
    const outside = await caught(Promise.resolve().then(() => encodePrompt({ points: [{ x: 641, y: 10, label: 1 }] }, 640, 480)));
    expect(outside.code).toBe('INVALID_ARGUMENT');
    expect(outside.message).toBe('The point (641, 10) is outside the 640×480 image');
    expect(outside.hint).toContain('0 ≤ x ≤ 640');
    expect((await caught(Promise.resolve().then(() => encodePrompt({ points: [{ x: 5, y: -1, label: 0 }] }, 640, 480)))).code).toBe('INVALID_ARGUMENT');
    expect((await caught(Promise.resolve().then(() => encodePrompt({ points: [] }, 640, 480)))).message).toContain('at least one point or a box');
    expect((await caught(Promise.resolve().then(() => encodePrompt({ points: [], box: [700, 10, 20, 20] }, 640, 480)))).message).toContain('outside the 640×480 image');
    expect((await caught(Promise.resolve().then(() => encodePrompt({ points: [], box: [10, 10, 0, 20] }, 640, 480)))).message).toContain('has no area');
  });
});

describe('mask choice (select_masks) and threshold', () => {
  it('one click or one box takes the best of masks 1–3; three points or more take mask 0', () => {
    const iou = [0.9, 0.97, 0.95, 0.93];
    expect(chooseMask(iou, 2)).toBe(1); // click + padding: 0.9 − 500 loses
    expect(chooseMask([0.99, 0.5, 0.6, 0.7], 2)).toBe(3); // box: mask 0 is out even when its IoU is highest
    expect(chooseMask(iou, 3)).toBe(0); // two clicks + padding: 0.9 + 500
    expect(chooseMask([0.2], 5)).toBe(0); // K = 1: the graph chose
  });

  it('keeps logits strictly above 0 from the chosen channel', () => {
    const logits = Float32Array.of(9, 9, 9, 9, -1, 0, 1e-7, 2);
    expect(Array.from(decodeRle(thresholdToRle(logits, 4, 2, 2)).data)).toEqual([0, 0, 1, 1]);
  });

  it('"> 0" as torch has it: +∞ and the smallest subnormal are in; −0, NaN and −∞ out; widths that are not a multiple of 4', () => {
    // 3×3, column-major RLE of a row-major mask: each value lands where a per-pixel compare puts it.
    const values = [Infinity, -0, NaN, 1e-45, -Infinity, 0.5, -1e-45, 3, 0];
    for (const [w, h] of [
      [3, 3],
      [9, 1],
      [1, 9],
    ]) {
      const logits = Float32Array.from([7, 7, ...values]); // an offset that is not a multiple of 4
      const want = values.map((v) => (v > 0 ? 1 : 0));
      expect(Array.from(decodeRle(thresholdToRle(logits, 2, w, h)).data)).toEqual(want);
    }
    // A large channel, against the plain per-pixel rule.
    const big = Float32Array.from({ length: 2 * 37 * 29 }, (_, i) => Math.sin(i * 0.37) * (i % 5 === 0 ? -1 : 1));
    const want = Array.from(big.subarray(37 * 29), (v) => (v > 0 ? 1 : 0));
    expect(Array.from(decodeRle(thresholdToRle(big, 37 * 29, 37, 29)).data)).toEqual(want);
  });
});
