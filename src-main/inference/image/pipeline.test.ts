import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pngHeaderClaiming } from '../../testing/planted-images';
import { glipPlan, groupvitPlan, MAX_IMAGE_PIXELS, normalizeToChw, prepareImage, probeForPrelabel, recyclePrepared } from './pipeline';

const solid = (w: number, h: number, background: object, channels: 3 | 4 = 3) => sharp({ create: { width: w, height: h, channels, background } });
const v = (x: number, c: number) => (x / 255 - [0.485, 0.456, 0.406][c]) / [0.229, 0.224, 0.225][c];

describe('resize plans', () => {
  it('GLIP: short side 800, long side int(800·long/short), padded to multiples of 32, BGR', () => {
    expect(glipPlan()(640, 480)).toEqual({ width: 1066, height: 800, padWidth: 1088, padHeight: 800, channelOrder: 'bgr' });
    expect(glipPlan()(480, 853)).toEqual({ width: 800, height: 1421, padWidth: 800, padHeight: 1440, channelOrder: 'bgr' });
    // a fixed-size graph: pad to its size
    expect(glipPlan({ width: 1344, height: 800 })(640, 480)).toMatchObject({ width: 1066, height: 800, padWidth: 1344, padHeight: 800 });
  });

  it('GroupViT: scale min(2048/long, 448/short), int(x·s + 0.5), RGB, no padding, OpenCV INTER_LINEAR', () => {
    expect(groupvitPlan(640, 480)).toEqual({ width: 597, height: 448, padWidth: 597, padHeight: 448, channelOrder: 'rgb', resample: 'opencv-linear' });
    expect(groupvitPlan(1920, 1080)).toMatchObject({ width: 796, height: 448 });
    expect(groupvitPlan(5000, 500)).toMatchObject({ width: 2048, height: 205 }); // long side caps the scale
  });
});

describe('prepareImage', () => {
  it('normalises into NCHW BGR for GLIP, zero padding', async () => {
    const img = await solid(64, 48, { r: 255, g: 0, b: 0 }).png().toBuffer();
    const p = await prepareImage(img, glipPlan());
    expect(p.dims).toEqual([1, 3, 800, 1088]);
    expect([p.ppWidth, p.ppHeight, p.origWidth, p.origHeight]).toEqual([1066, 800, 64, 48]);
    const plane = 800 * 1088;
    expect(p.data[0]).toBeCloseTo(v(0, 2), 5); // B first
    expect(p.data[plane]).toBeCloseTo(v(0, 1), 5);
    expect(p.data[2 * plane]).toBeCloseTo(v(255, 0), 5); // R last
    expect(p.data[1087]).toBe(0); // padding column
    expect(p.data[2 * plane + 1065]).toBeCloseTo(v(255, 0), 5);
  });

  it('RGB order for GroupViT; greyscale expands, alpha is dropped', async () => {
    const grey = await sharp({ create: { width: 20, height: 10, channels: 3, background: { r: 100, g: 100, b: 100 } } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const p = await prepareImage(grey, groupvitPlan);
    const plane = p.dims[2] * p.dims[3];
    expect(p.data[0]).toBeCloseTo(v(100, 0), 2);
    expect(p.data[plane]).toBeCloseTo(v(100, 1), 2);
    expect(p.data[2 * plane]).toBeCloseTo(v(100, 2), 2);
    const rgba = await solid(20, 10, { r: 0, g: 0, b: 255, alpha: 0.2 }, 4).png().toBuffer();
    const q = await prepareImage(rgba, groupvitPlan);
    expect(q.data[2 * plane]).toBeCloseTo(v(255, 2), 3);
  });

  it('converts CMYK to sRGB', async () => {
    const cmyk = await solid(40, 40, { r: 255, g: 0, b: 0 }).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const p = await prepareImage(cmyk, groupvitPlan);
    const plane = p.dims[2] * p.dims[3];
    expect(p.data[0]).toBeGreaterThan(v(200, 0)); // red stays red
    expect(p.data[plane]).toBeLessThan(v(80, 1));
  });

  it('applies EXIF orientation: sizes and coordinates refer to the upright image', async () => {
    const img = await solid(200, 100, { r: 0, g: 0, b: 255 }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect(await probeForPrelabel(img)).toMatchObject({ width: 100, height: 200, needsOrient: true });
    const p = await prepareImage(img, groupvitPlan);
    expect([p.origWidth, p.origHeight]).toEqual([100, 200]);
    expect(p.dims).toEqual([1, 3, 896, 448]);
  });

  it(`refuses images above ${MAX_IMAGE_PIXELS / 1e6} MP from the header alone`, async () => {
    const huge = pngHeaderClaiming(30000, 30000);
    expect(huge.length).toBeLessThan(200);
    await expect(prepareImage(huge, glipPlan())).rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE', message: expect.stringContaining('30000×30000') });
  });

  it('undecodable data is IMAGE_UNREADABLE with the reason', async () => {
    await expect(prepareImage(Buffer.from('definitely not an image'), glipPlan())).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
    const jpeg = await solid(300, 300, { r: 1, g: 2, b: 3 }).jpeg().toBuffer();
    await expect(prepareImage(jpeg.subarray(0, 400), glipPlan())).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
    await expect(prepareImage('/nonexistent/x.png', glipPlan())).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', message: expect.stringContaining('/nonexistent/x.png') });
  });
});

describe('what the decoder is asked to do', () => {
  it('converts what is not 8-bit sRGB, drops alpha only where there is one', async () => {
    const base = () => solid(20, 10, { r: 10, g: 200, b: 30 });
    expect(await probeForPrelabel(await base().toColourspace('cmyk').jpeg().toBuffer())).toMatchObject({ width: 20, height: 10, needsColour: true });
    expect(await probeForPrelabel(await base().png().toBuffer())).toMatchObject({ needsColour: false, hasAlpha: false, needsOrient: false });
    expect(await probeForPrelabel(await solid(20, 10, { r: 1, g: 2, b: 3, alpha: 0.5 }, 4).png().toBuffer())).toMatchObject({ hasAlpha: true });
    expect(await probeForPrelabel(await base().toColourspace('b-w').png().toBuffer())).toMatchObject({ needsColour: true });
  });
});

describe('normalisation', () => {
  it('is fround((v/255 − mean)/std) per channel, whatever the row alignment and padding', () => {
    for (const [w, h, lead] of [
      [7, 3, 0],
      [5, 4, 1],
      [9, 2, 2],
      [13, 3, 3],
    ]) {
      const mem = new Uint8Array(w * h * 3 + lead);
      for (let i = 0; i < mem.length; i++) mem[i] = (i * 37 + 11) & 255;
      const rgb = mem.subarray(lead);
      for (const order of ['rgb', 'bgr'] as const) {
        const plan = { width: w, height: h, padWidth: w + 3, padHeight: h + 1, channelOrder: order };
        const out = normalizeToChw(rgb, w, h, plan);
        const plane = plan.padWidth * plan.padHeight;
        for (let y = 0; y < plan.padHeight; y++)
          for (let x = 0; x < plan.padWidth; x++)
            for (let c = 0; c < 3; c++) {
              const src = order === 'bgr' ? 2 - c : c;
              const want = x < w && y < h ? Math.fround(v(rgb[(y * w + x) * 3 + src], src)) : 0;
              expect(out[c * plane + y * plan.padWidth + x]).toBe(want);
            }
        recyclePrepared({ data: out, dims: [1, 3, plan.padHeight, plan.padWidth], origWidth: w, origHeight: h, ppWidth: w, ppHeight: h });
      }
    }
  });
});
