import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { resizeLinearU8 } from './opencv-linear';
import { glipPlan, groupvitPlan, prepareImage } from './pipeline';

/** Deterministic pseudo-random bytes. */
const bytes = (n: number, seed: number) => {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) out[i] = (s = (s * 1103515245 + 12345) % 2 ** 31) >>> 23;
  return out;
};

/** Plain floating-point bilinear, align_corners = false (the rule INTER_LINEAR rounds to 11-bit weights). */
function floatBilinear(src: Uint8Array, sw: number, sh: number, dw: number, dh: number, ch: number): Float64Array {
  const tap = (d: number, s: number, n: number) => {
    const f = Math.max(0, (d + 0.5) * (s / n) - 0.5);
    const lo = Math.min(Math.floor(f), s - 1);
    return { lo, hi: Math.min(lo + 1, s - 1), w: lo >= s - 1 ? 0 : f - lo };
  };
  const out = new Float64Array(dw * dh * ch);
  for (let y = 0; y < dh; y++) {
    const ty = tap(y, sh, dh);
    for (let x = 0; x < dw; x++) {
      const tx = tap(x, sw, dw);
      for (let c = 0; c < ch; c++) {
        const at = (r: number, q: number) => src[(r * sw + q) * ch + c];
        const top = (1 - tx.w) * at(ty.lo, tx.lo) + tx.w * at(ty.lo, tx.hi);
        const bottom = (1 - tx.w) * at(ty.hi, tx.lo) + tx.w * at(ty.hi, tx.hi);
        out[(y * dw + x) * ch + c] = (1 - ty.w) * top + ty.w * bottom;
      }
    }
  }
  return out;
}

describe("OpenCV's INTER_LINEAR for 8-bit images", () => {
  it('enlarges [0, 255] to [0, 64, 191, 255] (11-bit weights, results rounded as OpenCV)', () => {
    expect(Array.from(resizeLinearU8(Uint8Array.from([0, 255]), 2, 1, 4, 1, 1))).toEqual([0, 64, 191, 255]);
  });

  it('an exact 2× shrink is the rounded mean of each 2×2 block (what OpenCV computes there, with INTER_AREA)', () => {
    const [sw, sh, ch] = [46, 10, 3]; // 23 × 3 = 69 values per output row: 64 by 16-wide blocks, 5 one by one
    const src = bytes(sw * sh * ch, 3);
    const out = resizeLinearU8(src, sw, sh, sw / 2, sh / 2, ch);
    for (let y = 0; y < sh / 2; y++)
      for (let x = 0; x < sw / 2; x++)
        for (let c = 0; c < ch; c++) {
          const at = (r: number, q: number) => src[(r * sw + q) * ch + c];
          const sum = at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1);
          expect(out[(y * (sw / 2) + x) * ch + c]).toBe((sum + 2) >> 2);
        }
  });

  it('is plain bilinear (align_corners = false) to within one level, shrinking 2.4× and enlarging 1.5×', () => {
    for (const [sw, sh, dw, dh] of [
      [120, 48, 50, 20],
      [40, 30, 60, 45],
    ]) {
      const src = bytes(sw * sh * 3, sw);
      const got = resizeLinearU8(src, sw, sh, dw, dh, 3);
      const want = floatBilinear(src, sw, sh, dw, dh, 3);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst).toBeLessThanOrEqual(1);
    }
  });

  it('same size is a copy; a constant image stays constant', () => {
    const src = bytes(7 * 5 * 3, 9);
    expect(Array.from(resizeLinearU8(src, 7, 5, 7, 5, 3))).toEqual(Array.from(src));
    expect(new Set(resizeLinearU8(new Uint8Array(9 * 4 * 3).fill(77), 9, 4, 31, 17, 3))).toEqual(new Set([77]));
  });
});

describe('GroupViT preprocessing resizes as upstream, GLIP keeps its antialiasing', () => {
  // Columns x ≡ 0 (mod 4) white, the rest black, 1792×1792: GroupViT shrinks it 4× to 448×448.
  // INTER_LINEAR reads source columns 4x + 1 and 4x + 2 only, so nothing white reaches the
  // output (aliasing, as upstream); an antialiased filter would average in a quarter white.
  const stripes = async () => {
    const S = 1792;
    const raw = Buffer.alloc(S * S * 3);
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x += 4) raw.fill(255, (y * S + x) * 3, (y * S + x) * 3 + 3);
    return sharp(raw, { raw: { width: S, height: S, channels: 3 } }).png().toBuffer();
  };

  it('GroupViT: no antialiasing when shrinking', async () => {
    const p = await prepareImage(await stripes(), groupvitPlan);
    expect(p.dims).toEqual([1, 3, 448, 448]);
    const black = Math.fround((0 - 0.485) / 0.229);
    expect(p.data.subarray(0, 448 * 448).every((v) => v === black)).toBe(true);
  });

  it('GLIP: sharp’s antialiased linear kernel, as before', async () => {
    const p = await prepareImage(await stripes(), glipPlan());
    expect(p.dims).toEqual([1, 3, 800, 800]);
    const plane = 800 * 800;
    let mean = 0;
    for (let i = 2 * plane; i < 3 * plane; i++) mean += p.data[i] * 0.229 + 0.485; // R plane (BGR), back to [0, 1]
    mean /= plane;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.3);
  });
});
