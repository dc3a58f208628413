/**
 * The editor's keyboard and pointer details beyond the main scenario: zoom around the
 * cursor, fit, space-drag pan (which must not mark the image reviewed), nudges, the label
 * popup, copy/paste between images, delete, the help overlay and CVAT keys.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';
import { annotationsOf, imageStatus, readDb } from './support/db';

test('editor: zoom, pan, nudge, label popup, copy/paste, delete, keys', async ({ app, workspace }) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'a.png'), 400, 300, [{ color: 'red', x: 50, y: 50, size: 60 }]);
  await writeSquares(join(images, 'b.png'), 400, 300, [{ color: 'blue', x: 200, y: 100, size: 60 }]);
  await writeSquares(join(images, 'c.png'), 400, 300, [{ color: 'red', x: 250, y: 150, size: 70 }]);
  const project = join(workspace.dir, 'p.lw');
  await app.start.createProject(project);
  await app.start.addFolder(images);
  await app.waitForTestApi();
  await page.evaluate(async () => {
    const api = window.__labelwright!;
    await api.call('categories.add', { name: 'red' });
    await api.call('categories.add', { name: 'blue', hotkey: '5' });
    await api.call('annotations.apply', {
      imageId: 1,
      changes: [{ op: 'create', categoryId: 1, bbox: [50, 50, 60, 60] }],
    });
  });
  await app.images.show();
  await app.images.open('a.png');
  const s0 = await app.editor.waitForImage();
  const box = s0.annotations[0];

  await test.step('Ctrl+wheel zooms around the cursor; F fits', async () => {
    const p = await page.evaluate(() => window.__labelwright!.toClient(80, 80));
    await page.mouse.move(p.x, p.y);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -300);
    await page.keyboard.up('Control');
    const s1 = await app.editor.state();
    expect(s1.zoom).toBeGreaterThan(s0.zoom * 1.2);
    const q = await page.evaluate(() => window.__labelwright!.toClient(80, 80));
    expect(Math.abs(q.x - p.x)).toBeLessThan(2);
    expect(Math.abs(q.y - p.y)).toBeLessThan(2);
    await app.editor.press('f');
    expect((await app.editor.state()).zoom).toBeCloseTo(s0.zoom, 5);
  });

  await test.step('space-drag pans and does not mark the image reviewed', async () => {
    const before = await app.editor.state();
    await page.mouse.move(700, 400);
    await page.keyboard.down(' ');
    await page.mouse.down();
    await page.mouse.move(760, 430, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up(' ');
    const after = await app.editor.state();
    expect(after.pan.x - before.pan.x).toBeCloseTo(60, 0);
    expect(after.pan.y - before.pan.y).toBeCloseTo(30, 0);
    expect(after.imageId).toBe(before.imageId);
    await app.editor.waitForIdle();
    expect(imageStatus(project, before.imageId!)).not.toBe('reviewed');
    await app.editor.press('f');
  });

  await test.step('arrows nudge by 1, Shift+arrows by 10; each one undo step', async () => {
    await app.editor.select(box.id);
    await app.editor.press('ArrowRight');
    await app.editor.press('Shift+ArrowDown');
    await app.editor.waitForIdle();
    const row = annotationsOf(project, 1)[0];
    expect([row.x, row.y]).toEqual([51, 60]);
    expect((await app.editor.state()).history.undo).toBe(2);
  });

  await test.step('label popup: Shift+L, type, Enter; and a category hotkey', async () => {
    await app.editor.press('Shift+L');
    await expect(page.getByTestId('label-popup')).toBeVisible();
    await page.keyboard.type('blu');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('label-popup')).toBeHidden();
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 1)[0].category_id).toBe(2);
    await app.editor.press('1'); // no hotkey 1: the first category
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 1)[0].category_id).toBe(1);
    await app.editor.press('5'); // blue's hotkey
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 1)[0].category_id).toBe(2);
  });

  await test.step('copy, next image (D), paste; previous (A)', async () => {
    await app.editor.press('Control+c');
    await app.editor.press('d');
    await expect(page.getByTestId('image-name')).toHaveText('b.png');
    await app.editor.press('Control+v');
    await app.editor.waitForIdle();
    const pasted = annotationsOf(project, 2);
    expect(pasted).toHaveLength(1);
    expect(pasted[0]).toMatchObject({ category_id: 2, x: 51, y: 60, source: 'human' });
    await app.editor.press('Delete');
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 2)).toHaveLength(0);
    await app.editor.press('Control+z');
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 2)).toHaveLength(1);
    await app.editor.press('a');
    await expect(page.getByTestId('image-name')).toHaveText('a.png');
  });

  await test.step('help overlay and CVAT keys', async () => {
    await app.editor.press('?');
    await expect(page.getByTestId('help-overlay')).toBeVisible();
    await expect(page.getByTestId('help-overlay')).toContainText('Mark reviewed');
    await app.editor.press('Escape');
    await expect(page.getByTestId('help-overlay')).toBeHidden();
    await page.getByTestId('cvat-keys').check();
    await app.editor.press('f');
    await expect(page.getByTestId('image-name')).toHaveText('b.png');
    await app.editor.press('d');
    await expect(page.getByTestId('image-name')).toHaveText('a.png');
    await page.getByTestId('cvat-keys').uncheck();
  });

  await test.step('pre-labeling the open image is one undoable step', async () => {
    await app.editor.press('d');
    await app.editor.press('d');
    await expect(page.getByTestId('image-name')).toHaveText('c.png');
    const { imageId, history } = await app.editor.state();
    await app.prelabel.show();
    await app.prelabel.run(['glip-fixture'], 'current');
    await app.tab('editor');
    await expect
      .poll(async () => (await app.editor.state()).annotations.filter((a) => a.state === 'pending').length)
      .toBeGreaterThan(0);
    expect((await app.editor.state()).history.undo).toBe(history.undo + 1);
    expect(annotationsOf(project, imageId!).length).toBeGreaterThan(0);
    await app.editor.press('Control+z');
    await app.editor.waitForIdle();
    expect(annotationsOf(project, imageId!)).toHaveLength(0);
  });

  await test.step("brush paints the selected annotation's mask; one stroke is one undo step", async () => {
    await app.editor.press('a');
    await app.editor.press('a');
    await expect(page.getByTestId('image-name')).toHaveText('a.png');
    const s = await app.editor.state();
    const target = s.annotations.find((a) => a.state === 'accepted')!;
    await app.editor.select(target.id);
    await app.editor.press('b');
    const [x, y, w, h] = target.bbox;
    const from = await page.evaluate(([x, y]) => window.__labelwright!.toClient(x, y), [
      x + w / 2,
      y + h / 2,
    ] as const);
    const to = await page.evaluate(([x, y]) => window.__labelwright!.toClient(x, y), [
      x + w + 40,
      y + h / 2,
    ] as const);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    await app.editor.waitForIdle();
    const row = readDb(project, (db) =>
      db.prepare(`SELECT rle, x, w FROM annotations WHERE id = ?`).get(target.id),
    ) as { rle: string | null; x: number; w: number };
    expect(row.rle).toBeTruthy();
    expect(row.x + row.w).toBeGreaterThan(x + w + 30); // the box grew to hold the stroke
    await app.editor.press('e'); // eraser exists and is a tool
    expect((await app.editor.state()).tool).toBe('eraser');
    await app.editor.press('Control+z');
    await app.editor.waitForIdle();
    const back = readDb(project, (db) =>
      db.prepare(`SELECT rle FROM annotations WHERE id = ?`).get(target.id),
    ) as { rle: string | null };
    expect(back.rle).toBeNull();
    await app.editor.press('v');
  });
});
