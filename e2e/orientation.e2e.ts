/**
 * Issue 10 item 7, in the real editor: an image with an EXIF orientation is painted upright
 * at the size the project recorded, so boxes (drawn in recorded coordinates) sit on their
 * objects. Chromium ignores WebP orientation and cannot show TIFF at all; before the fix a
 * 400×300 WebP at orientation 6 was stretched into 300×400 unturned.
 *
 * The picture (src-main/testing/oriented-image.ts) is 40×30 upright with a red block in the
 * top-left; the canvas is read back from screenshots at image points, through the test
 * API's image → client mapping.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from './fixtures';
import {
  ORIENTATIONS,
  UPRIGHT,
  UPRIGHT_CORNERS,
  writeOriented,
  type OrientedFormat,
} from '../src-main/testing/oriented-image';

const CASES: [OrientedFormat, string, number][] = [
  ...ORIENTATIONS.map((o): [OrientedFormat, string, number] => ['webp', `webp-${o}.webp`, o]),
  ['jpeg', 'jpeg-6.jpg', 6],
  ['png', 'png-8.png', 8],
  ['tiff', 'tiff-5.tif', 5],
];

test('EXIF-oriented images are painted upright at their recorded size (WebP ×8, JPEG, PNG, TIFF)', async ({
  app,
  workspace,
}) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  for (const [format, name, o] of CASES) await writeOriented(join(images, name), format, o);
  await app.start.createProject(join(workspace.dir, 'p.lw'));
  expect(await app.start.addFolder(images)).toBe(CASES.length);
  await app.waitForTestApi();

  const { width: W, height: H } = UPRIGHT;
  /** The colour painted at an image point, read from the screen. */
  const colourAt = async (x: number, y: number): Promise<string> => {
    const p = await page.evaluate(([x, y]) => window.__labelwright!.toClient(x, y), [x, y] as const);
    const png = await page.screenshot({ clip: { x: Math.round(p.x), y: Math.round(p.y), width: 1, height: 1 } });
    const [r, g, b] = await sharp(png).removeAlpha().raw().toBuffer();
    return r > 180 && g < 80 && b < 80 ? 'red' : b > 180 && r < 80 && g < 80 ? 'blue' : `${r},${g},${b}`;
  };
  const corners = async () =>
    Promise.all([colourAt(3.5, 3.5), colourAt(W - 3.5, 3.5), colourAt(3.5, H - 3.5), colourAt(W - 3.5, H - 3.5)]);

  for (const [, name] of CASES) {
    await test.step(name, async () => {
      const rec = await page.evaluate(
        async (name) => (await window.__labelwright!.call('images.query', {})).items.find((i) => i.name === name),
        name,
      );
      expect([rec?.width, rec?.height], `recorded size of ${name}`).toEqual([W, H]);
      await app.images.show();
      await app.images.open(name);
      await expect.poll(async () => (await app.editor.state()).imageName).toBe(name);
      await expect.poll(corners, { message: `${name}: corners of the painted picture` }).toEqual(UPRIGHT_CORNERS);
    });
  }
});
