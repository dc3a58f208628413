/**
 * The Smart tool (S, Segment Anything) with the real mouse and keyboard and the sam-fixture
 * pack, whose decoder returns the region of similar colour around a click. The first use on an
 * image shows the embedding being computed; a click in a red square and Enter make one mask
 * annotation whose mask is the square (IoU ≥ 0.95, from the database), one undo step; on an
 * image with two red squares a click takes both and an Alt+click in the second takes it out of
 * the preview; Backspace takes back a point, Esc drops the prompt; a click outside the image is
 * the server's message in a toast, and the editor keeps working. The `?` overlay lists the tool,
 * and under CVAT keys N finishes the prompt.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';
import { annotationsOf } from './support/db';
import { storedGeometry } from './support/masks';
import { REPO } from './support/host';
import { decodeRle, rleFromBbox, rleIou, stringToCounts } from '../src-main/shared/masks';
import type { Rle } from '../src-main/shared/contract';
import type { SmartState } from '../src-renderer/src/editor/tools/smart-session';

const W = 400;
const H = 300;
/** a.png: a red square and a blue one; b.png: two red squares. [x, y, size] */
const RED_A = [60, 80, 100] as const;
const BLUE_A = [240, 100, 90] as const;
const RED_B1 = [50, 60, 90] as const;
const RED_B2 = [250, 140, 90] as const;

const box = ([x, y, s]: readonly number[]): [number, number, number, number] => [x, y, s, s];
const centre = ([x, y, s]: readonly number[]) => ({ x: x + s / 2, y: y + s / 2 });
/** A drawn square as a mask of the image, and an annotation's stored mask: what the IoU checks compare. */
const square = (sq: readonly number[]): Rle => rleFromBbox(box(sq), H, W);
const storedMask = (project: string, id: number): Rle => ({ size: [H, W], counts: storedGeometry(project, id).rle! });

function smart(page: Page): Promise<SmartState> {
  return page.evaluate(() => window.__labelwright!.getSmartState());
}

/** The preview for the current prompt, once its answer is in. */
async function answeredPreview(page: Page): Promise<Rle> {
  await expect
    .poll(async () => {
      const s = await smart(page);
      return !s.busy && s.items.length > 0 && s.preview != null;
    })
    .toBe(true);
  return (await smart(page)).preview!.rle;
}

/** Whether the mask covers pixel (x, y). */
function covers(rle: Rle, x: number, y: number): boolean {
  const m = decodeRle(rle);
  return m.data[Math.floor(y) * m.width + Math.floor(x)] === 1;
}

test('smart tool: click, Alt+click, Enter, undo; Backspace, Esc; errors keep the editor working', async ({
  app,
  workspace,
}) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'a.png'), W, H, [
    { color: 'red', x: RED_A[0], y: RED_A[1], size: RED_A[2] },
    { color: 'blue', x: BLUE_A[0], y: BLUE_A[1], size: BLUE_A[2] },
  ]);
  await writeSquares(join(images, 'b.png'), W, H, [
    { color: 'red', x: RED_B1[0], y: RED_B1[1], size: RED_B1[2] },
    { color: 'red', x: RED_B2[0], y: RED_B2[1], size: RED_B2[2] },
  ]);
  const project = join(workspace.dir, 'p.lw');
  await app.start.createProject(project);
  await app.start.addFolder(images);
  await app.waitForTestApi();
  // Blue, so the README's screenshot shows the preview's tint on the red squares.
  const categoryId = await page.evaluate(
    async () => (await window.__labelwright!.call('categories.add', { name: 'thing', color: '#2f9bff' })).id,
  );
  await app.images.show();
  await app.images.open('a.png');
  await app.editor.waitForImage();

  await test.step('S on a new image: the embedding is computed with a visible indicator', async () => {
    const indicator = page.getByTestId('smart-embedding');
    const seen = indicator.waitFor({ state: 'visible' });
    await app.editor.press('s');
    await seen;
    await expect(indicator).toContainText('Computing image embedding');
    await expect(indicator).toBeHidden({ timeout: 30_000 });
    expect((await app.editor.state()).tool).toBe('smart');
    expect(await smart(page)).toMatchObject({ pack: 'sam-fixture', embedding: 'ready' });
  });

  let id = 0;
  await test.step('a click in the red square and Enter: one annotation whose mask is the square', async () => {
    await app.editor.clickAt(centre(RED_A).x, centre(RED_A).y);
    const preview = await answeredPreview(page);
    expect(rleIou(preview, rleFromBbox(box(RED_A), H, W))).toBeGreaterThanOrEqual(0.95);
    await expect(page.getByTestId('smart-status')).toContainText('1 point');
    await app.editor.press('Enter');
    await app.editor.waitForIdle();
    const rows = annotationsOf(project, 1);
    expect(rows).toHaveLength(1);
    id = rows[0].id;
    expect(rows[0].category_id).toBe(categoryId);
    const g = storedGeometry(project, id);
    const stored: Rle = { size: [H, W], counts: g.rle! };
    expect(stringToCounts(g.rle!)).toBeTruthy();
    expect(rleIou(stored, rleFromBbox(box(RED_A), H, W))).toBeGreaterThanOrEqual(0.95);
    expect(g.bbox).toEqual(g.maskBox); // the box follows the mask
    const s = await app.editor.state();
    expect(s.history.undo).toBe(1);
    expect(s.tool).toBe('smart'); // sticky, as the other drawing tools
    expect((await smart(page)).items).toEqual([]); // the prompt is done
  });

  await test.step('Ctrl+Z removes it, Ctrl+Shift+Z restores it', async () => {
    await app.editor.press('Control+z');
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 1).filter((r) => r.state !== 'archived')).toHaveLength(0);
    await app.editor.press('Control+Shift+z');
    await app.editor.waitForIdle();
    const rows = annotationsOf(project, 1);
    expect(rows).toHaveLength(1);
    expect(rleIou(storedMask(project, rows[0].id), square(RED_A))).toBeGreaterThanOrEqual(0.95);
  });

  await test.step('next image: embedded again; a click takes both red squares, an Alt+click in the second takes it out', async () => {
    const seen = page.getByTestId('smart-embedding').waitFor({ state: 'visible' });
    await app.editor.press('d');
    await expect.poll(async () => (await app.editor.state()).imageName).toBe('b.png');
    await seen;
    await expect(page.getByTestId('smart-embedding')).toBeHidden({ timeout: 30_000 });
    await app.editor.clickAt(centre(RED_B1).x, centre(RED_B1).y);
    const both = await answeredPreview(page);
    expect(covers(both, centre(RED_B2).x, centre(RED_B2).y)).toBe(true);
    await app.editor.clickAt(centre(RED_B2).x, centre(RED_B2).y, { alt: true });
    await expect.poll(async () => (await smart(page)).items.length).toBe(2);
    const one = await answeredPreview(page);
    expect(covers(one, centre(RED_B2).x, centre(RED_B2).y)).toBe(false);
    expect(rleIou(one, rleFromBbox(box(RED_B1), H, W))).toBeGreaterThanOrEqual(0.95);
    expect((await smart(page)).items.map((i) => (i.kind === 'point' ? i.label : 'box'))).toEqual([1, 0]);
    // The README's picture: the pointer off the canvas (no crosshair), no toast left over.
    await page.mouse.move(1300, 400);
    await expect(page.getByTestId('toast')).toBeHidden({ timeout: 15_000 });
    await app.screenshot('smart-tool', true);
  });

  await test.step('Backspace takes back the Alt+click; Enter adds the mask as it then is', async () => {
    await app.editor.press('Backspace');
    const again = await answeredPreview(page);
    expect((await smart(page)).items).toHaveLength(1);
    expect(covers(again, centre(RED_B2).x, centre(RED_B2).y)).toBe(true);
    await app.editor.clickAt(centre(RED_B2).x, centre(RED_B2).y, { alt: true });
    await expect.poll(async () => (await smart(page)).items.length).toBe(2);
    await answeredPreview(page);
    await app.editor.press('Enter');
    await app.editor.waitForIdle();
    const rows = annotationsOf(project, 2);
    expect(rows).toHaveLength(1);
    expect(rleIou(storedMask(project, rows[0].id), square(RED_B1))).toBeGreaterThanOrEqual(0.95);
  });

  await test.step('a drag is a box prompt; Esc drops the prompt and nothing is added', async () => {
    const [x, y, s] = RED_B2;
    await app.editor.stroke([x - 8, y - 8], [x + s + 8, y + s + 8]);
    const boxed = await answeredPreview(page);
    const [item] = (await smart(page)).items;
    expect(item.kind).toBe('box');
    // Where the mouse went, to within a screen pixel (the view's zoom maps it to image pixels).
    const dragged = item.kind === 'box' ? item.bbox : [];
    [x - 8, y - 8, s + 16, s + 16].forEach((v, i) => expect(Math.abs(dragged[i] - v)).toBeLessThan(1));
    expect(rleIou(boxed, rleFromBbox(box(RED_B2), H, W))).toBeGreaterThanOrEqual(0.95);
    await app.editor.press('Escape');
    expect(await smart(page)).toMatchObject({ items: [], preview: null });
    expect((await app.editor.state()).tool).toBe('smart');
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 2)).toHaveLength(1);
  });

  await test.step('the ? overlay lists the tool; under CVAT keys N finishes the prompt, as it finishes an interactor there', async () => {
    await app.editor.press('?');
    await expect(page.getByTestId('help-overlay')).toContainText('Smart (Segment Anything)');
    await app.editor.press('?');
    await expect(page.getByTestId('help-overlay')).toBeHidden();
    await page.getByTestId('cvat-keys').check();
    await app.editor.clickAt(centre(RED_B2).x, centre(RED_B2).y);
    await app.editor.clickAt(centre(RED_B1).x, centre(RED_B1).y, { alt: true });
    await answeredPreview(page);
    await app.editor.press('n');
    await app.editor.waitForIdle();
    const rows = annotationsOf(project, 2);
    expect(rows).toHaveLength(2);
    expect(rleIou(storedMask(project, rows[1].id), square(RED_B2))).toBeGreaterThanOrEqual(0.95);
    await page.getByTestId('cvat-keys').uncheck();
  });

  await test.step("a click outside the image: the server's message in a toast; the tool keeps working", async () => {
    await app.editor.clickAt(W + 30, H / 2);
    await expect(page.getByTestId('toast')).toContainText(`is outside the ${W}×${H} image`);
    await expect.poll(async () => (await smart(page)).busy).toBe(false);
    expect((await smart(page)).items).toEqual([]);
    await app.editor.clickAt(centre(RED_B2).x, centre(RED_B2).y);
    await answeredPreview(page);
    await app.editor.press('Enter');
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 2)).toHaveLength(3);
  });
});

test("smart tool with a broken sam pack: the server's message in a toast, and the editor keeps working", async ({
  app,
  workspace,
}) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'a.png'), W, H, [{ color: 'red', x: 60, y: 80, size: 100 }]);
  // A sam pack whose decoder is not a SAM decoder (the fixture's encoder graph in its place).
  const broken = join(workspace.dir, 'sam-broken');
  mkdirSync(broken);
  const fixture = join(REPO, 'models', 'fixtures', 'sam-fixture');
  copyFileSync(join(fixture, 'encoder.onnx'), join(broken, 'encoder.onnx'));
  copyFileSync(join(fixture, 'encoder.onnx'), join(broken, 'decoder.onnx'));
  writeFileSync(
    join(broken, 'pack.json'),
    JSON.stringify({
      id: 'sam-broken',
      kind: 'sam',
      displayName: 'Broken SAM',
      license: 'MIT',
      params: {},
      files: { encoder: { path: 'encoder.onnx' }, decoder: { path: 'decoder.onnx' } },
    }),
  );
  const project = join(workspace.dir, 'p.lw');
  await app.start.createProject(project);
  await app.start.addFolder(images);
  await app.waitForTestApi();
  await page.evaluate(async (folder) => {
    await window.__labelwright!.call('categories.add', { name: 'thing' });
    await window.__labelwright!.call('models.import', { folder });
  }, broken);
  // The project's pack for the Smart tool, chosen on the Models screen (automatic: the first installed).
  await app.tab('models');
  await expect(page.getByTestId('sam-pack')).toHaveValue('');
  await page.getByTestId('sam-pack').selectOption('sam-broken');
  await expect
    .poll(() => page.evaluate(async () => (await window.__labelwright!.call('project.settings', {})).samPack))
    .toBe('sam-broken');
  await page.getByTestId('sam-pack').scrollIntoViewIfNeeded();
  await app.screenshot('smart-tool-settings');
  await app.images.show();
  await app.images.open('a.png');
  await app.editor.waitForImage();
  await app.editor.press('s');
  await expect(page.getByTestId('toast')).toContainText('Computing the image embedding failed');
  await expect(page.getByTestId('toast')).toContainText('decoder.onnx');
  expect(await smart(page)).toMatchObject({ pack: 'sam-broken', embedding: 'failed' });
  // The editor keeps working: another tool draws as ever.
  await app.editor.drawBox(200, 50, 300, 150);
  await app.editor.waitForIdle();
  expect(annotationsOf(project, 1)).toHaveLength(1);
});
