/**
 * Categories named after colours are drawn in those colours, in the editor: "blue" boxes
 * are blue, and "black" and "white" boxes stay visible and labelled on a dark and a light
 * part of the photo (their label text switches to white on dark fills).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from './fixtures';

/** Hue (degrees) and lightness of a CSS 'rgb(r, g, b)'. */
function hueOf(css: string): { h: number; l: number } {
  const [r, g, b] = (css.match(/\d+/g) ?? []).slice(0, 3).map((v) => Number(v) / 255);
  const max = Math.max(r, g, b), min = Math.min(r, g, b), d = max - min;
  const h = d === 0 ? 0 : max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { h: h * 60, l: (max + min) / 2 };
}

test('colour-named categories: blue is blue, yellow is yellow, black and white stay visible', async ({ app, workspace }) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  // A photo's extremes: a near-white sky on the left, a deep shadow on the right, grey between.
  const w = 640, h = 400;
  const strip = (r: number) => sharp({ create: { width: w / 4, height: h, channels: 3, background: { r, g: r, b: r } } }).png().toBuffer();
  await sharp({ create: { width: w, height: h, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .composite([
      { input: await strip(245), left: 0, top: 0 },
      { input: await strip(12), left: (3 * w) / 4, top: 0 },
    ])
    .png()
    .toFile(join(images, 'scene.png'));
  await app.start.createProject(join(workspace.dir, 'p.lw'));
  await app.start.addFolder(images);
  await app.waitForTestApi();
  await page.evaluate(async () => {
    const api = window.__labelwright!;
    for (const name of ['white', 'blue', 'yellow', 'black']) await api.call('categories.add', { name });
    await api.call('annotations.apply', {
      imageId: 1,
      changes: [
        { op: 'create', categoryId: 1, bbox: [30, 80, 110, 90] },
        { op: 'create', categoryId: 2, bbox: [200, 60, 100, 80] },
        { op: 'create', categoryId: 3, bbox: [330, 220, 100, 90] },
        { op: 'create', categoryId: 4, bbox: [500, 120, 110, 100] },
      ],
    });
  });
  await app.images.show();
  await app.images.open('scene.png');
  await app.editor.waitForImage();

  const swatches = await page.locator('.cat-row .swatch').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  expect(swatches).toHaveLength(4);
  const [white, blue, yellow, black] = swatches.map(hueOf);
  expect(blue.h).toBeGreaterThanOrEqual(200);
  expect(blue.h).toBeLessThanOrEqual(250);
  expect(yellow.h).toBeGreaterThanOrEqual(45);
  expect(yellow.h).toBeLessThanOrEqual(65);
  expect(white.l).toBeGreaterThan(0.9);
  expect(black.l).toBeLessThan(0.2);
  await app.screenshot('category-colors');
});
