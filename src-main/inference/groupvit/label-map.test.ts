/**
 * GroupViT end to end on the fixture pack (engine → preprocessing → graphs → label map), at
 * original sizes 2× and 2.4× the model's input: a red half and a green half that touch must
 * meet without a background seam, and the label map must equal the per-pixel upstream rule.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRle } from '../../shared/masks';
import { referenceGroupvitLabels, REFERENCE_BACKGROUND } from '../../testing/groupvit-reference';
import { createEngine, type LocalEngine } from '../engine';

let engine: LocalEngine;
beforeAll(async () => {
  engine = await createEngine({ pack: 'groupvit-fixture' });
});
afterAll(async () => {
  await engine?.close();
});

const cats = [
  { id: 1, name: 'red' },
  { id: 2, name: 'green' },
];

/** Columns < split red, the rest green. */
async function redGreen(width: number, height: number, split: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) raw[(y * width + x) * 3 + (x < split ? 0 : 1)] = 255;
  return sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

describe('GroupViT: two classes that touch, original 2× and 2.4× the input (448×600)', () => {
  // The model input is 448×600 in both cases. Upstream shrinks with INTER_LINEAR: at 2× each
  // input column averages original columns 2x and 2x + 1, so a split at 600 gives input
  // columns < 300 red and the rest green; at 2.4× input column 301 reads original columns 723
  // and 724 with weights 0.9 and 0.1, so a split at 724 makes it 90 % red: columns < 302 red.
  // The fixture's text graph maps `red` and `green` to their own groups with logit scale 100,
  // so Final is 1 for a group's own class and 0 for the other (threshold min(0.95, 1)).
  const cases = [
    { width: 1200, height: 896, split: 600, inputSplit: 300 },
    { width: 1440, height: 1075, split: 724, inputSplit: 302 },
  ];
  for (const { width, height, split, inputSplit } of cases)
    it(`${width}×${height}: no background between red and green; the label map is the upstream rule`, async () => {
      const r = await engine.predict(await redGreen(width, height, split), cats);
      const labels = new Int32Array(width * height).fill(REFERENCE_BACKGROUND);
      for (const m of r.masks) {
        expect(m.rle.size).toEqual([height, width]);
        const bin = decodeRle(m.rle);
        const cls = cats.findIndex((c) => c.id === m.categoryId);
        for (let i = 0; i < bin.data.length; i++) if (bin.data[i]) labels[i] = cls;
      }
      expect(labels.filter((l) => l === REFERENCE_BACKGROUND).length).toBe(0);

      const [H, W] = [448, 600];
      const groupOf = new Uint8Array(H * W);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) groupOf[y * W + x] = x < inputSplit ? 0 : 1;
      const expected = referenceGroupvitLabels([1, 0, 0, 1], 2, 0.95, groupOf, H, W, height, width);
      let differ = 0;
      for (let i = 0; i < expected.length; i++) if (labels[i] !== expected[i]) differ++;
      expect(differ).toBe(0);
    });
});
