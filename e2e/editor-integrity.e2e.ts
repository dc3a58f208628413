/**
 * Issue 9 in the editor, with the real mouse and keyboard, checked in the database:
 * - a masked box carries its mask when it is dragged, resized or nudged, and after undo and
 *   redo (stored bbox = the mask's tight box, area = its pixel count);
 * - brushing a mask onto a drawn box fits the box to the mask, and says so;
 * - editing a prediction accepts it, "Reject rest" leaves it alone, rejected ones can be
 *   shown and restored (after a reload too), and the decisions look different;
 * - Space with pending predictions asks: Enter accepts them, Backspace rejects, Esc cancels;
 * - a focused slider takes its arrow keys; after the category dropdown, D works at once;
 * - an image whose file is gone says so over the canvas and cannot be edited or reviewed.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { LabelwrightApp } from './pages/app';
import { expect, test, type Workspace } from './fixtures';
import { annotation, annotationsOf, imageStatus } from './support/db';
import { writeSquares } from './support/images';
import { discMask, storedGeometry } from './support/masks';

type Box = [number, number, number, number];

/** A project over three 400×300 images (a, b, c) and the categories red and blue. */
async function setup(
  app: LabelwrightApp,
  workspace: Workspace,
): Promise<{ project: string; images: string }> {
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'a.png'), 400, 300, [{ color: 'red', x: 220, y: 110, size: 70 }]);
  await writeSquares(join(images, 'b.png'), 400, 300, [{ color: 'blue', x: 200, y: 100, size: 60 }]);
  await writeSquares(join(images, 'c.png'), 400, 300, [{ color: 'red', x: 250, y: 150, size: 70 }]);
  const project = join(workspace.dir, 'p.lw');
  await app.start.createProject(project);
  await app.start.addFolder(images);
  await app.waitForTestApi();
  await app.page.evaluate(async () => {
    const api = window.__labelwright!;
    await api.call('categories.add', { name: 'red' });
    await api.call('categories.add', { name: 'blue' });
  });
  return { project, images };
}

/** Model output on an image, as a job writes it: pending predictions with scores. */
async function predict(page: Page, imageId: number, preds: { bbox: Box; score: number; rle?: unknown }[]) {
  return page.evaluate(
    async ([imageId, preds]) =>
      (
        await window.__labelwright!.call('annotations.apply', {
          imageId,
          changes: preds.map((p) => ({
            op: 'create' as const,
            categoryId: 1,
            bbox: p.bbox,
            rle: (p.rle as never) ?? null,
            source: 'model' as const,
            state: 'pending' as const,
            score: p.score,
          })),
        })
      ).created,
    [imageId, preds] as const,
  );
}

/** The stored box is the stored mask's tight box (within 1/100 px) and the area its pixel count. */
function expectSelfConsistent(project: string, id: number): Box {
  const g = storedGeometry(project, id);
  expect(g.maskBox, `annotation ${id} has a mask`).not.toBeNull();
  g.bbox.forEach((v, i) =>
    expect(Math.abs(v - g.maskBox![i]), `bbox ${JSON.stringify(g)}`).toBeLessThanOrEqual(0.01),
  );
  expect(g.area).toBe(g.maskArea);
  return g.bbox;
}

test('a masked box carries its mask; a brushed mask fits its box and says so', async ({ app, workspace }) => {
  const { page } = app;
  const { project } = await setup(app, workspace);
  // A fused prediction: a box with a disc-shaped mask around the red square.
  const [fused] = await predict(page, 1, [
    { bbox: [215, 105, 80, 80], score: 0.93, rle: discMask(400, 300, 255, 145, 40) },
  ]);
  expectSelfConsistent(project, fused);
  await app.images.show();
  await app.images.open('a.png');
  await app.editor.waitForImage();

  const steps: Box[] = [expectSelfConsistent(project, fused)];
  await test.step('drag it 150 px left: the mask goes with it', async () => {
    await app.editor.select(fused);
    // By hand, to look at the mask while the box is on its way.
    const [x, y, w, h] = steps[0];
    const from = await page.evaluate(([x, y]) => window.__labelwright!.toClient(x, y), [
      x + w / 2,
      y + h / 2,
    ] as const);
    const to = await page.evaluate(([x, y]) => window.__labelwright!.toClient(x, y), [
      x + w / 2 - 150,
      y + h / 2,
    ] as const);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, from.y, { steps: 5 });
    await app.screenshot('drag-mask-follows');
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    await app.editor.waitForIdle();
    const b = expectSelfConsistent(project, fused);
    expect(Math.abs(b[0] - (steps[0][0] - 150))).toBeLessThan(2);
    expect(annotation(project, fused)).toMatchObject({ state: 'accepted', source: 'model-edited' });
    steps.push(b);
  });

  await test.step('resize it by a handle: the mask is resampled into the new box', async () => {
    await app.editor.dragCorner(fused, 'se', 40, 30);
    await app.editor.waitForIdle();
    const b = expectSelfConsistent(project, fused);
    expect(b[2]).toBeGreaterThan(steps[1][2] + 30);
    expect(b[3]).toBeGreaterThan(steps[1][3] + 20);
    steps.push(b);
  });

  await test.step('nudge it with the arrows', async () => {
    await app.editor.press('ArrowRight');
    await app.editor.press('Shift+ArrowDown');
    await app.editor.waitForIdle();
    const b = expectSelfConsistent(project, fused);
    expect(b[0]).toBeCloseTo(steps[2][0] + 1, 2);
    expect(b[1]).toBeCloseTo(steps[2][1] + 10, 2);
    steps.push(b);
    // On screen too: the editor shows what was stored.
    const shown = (await app.editor.state()).annotations.find((a) => a.id === fused)!;
    expect(shown.bbox).toEqual(b);
    expect(shown.rle?.counts).toBe(storedGeometry(project, fused).rle);
  });

  await test.step('undo each step and redo them: the box and its mask stay together', async () => {
    // Four steps: the drag, the resize and the two nudges.
    for (let i = 0; i < 4; i++) {
      await app.editor.press('Control+z');
      await app.editor.waitForIdle();
      expectSelfConsistent(project, fused);
    }
    expect(expectSelfConsistent(project, fused)).toEqual(steps[0]);
    expect(annotation(project, fused)).toMatchObject({ state: 'pending', source: 'model' });
    for (let i = 0; i < 4; i++) {
      await app.editor.press('Control+Shift+z');
      await app.editor.waitForIdle();
      expectSelfConsistent(project, fused);
    }
    expect(expectSelfConsistent(project, fused)).toEqual(steps[3]);
  });

  await test.step('brush a mask onto a drawn box: the box becomes the mask box, and a toast says so', async () => {
    await app.editor.drawBox(120, 200, 200, 260);
    await app.editor.waitForIdle();
    const drawn = annotationsOf(project, 1).find((a) => a.source === 'human')!;
    expect(storedGeometry(project, drawn.id).maskBox).toBeNull();
    await app.editor.press('b');
    await app.editor.stroke([150, 230], [240, 230]); // from inside the box to well past its right edge
    await expect(page.getByTestId('toast')).toContainText('Box fitted to the mask');
    await app.editor.waitForIdle();
    const b = expectSelfConsistent(project, drawn.id);
    expect(b[0] + b[2]).toBeGreaterThan(235); // it follows the stroke, past the drawn box
    expect(b[1]).toBeGreaterThan(215); // and no longer holds the drawn box's top
    await app.screenshot('brush-box-fitted');
    await app.editor.press('v');
  });
});

test('decisions: edited predictions are accepted, rejected ones can be restored, Space asks', async ({
  app,
  workspace,
}) => {
  const { page } = app;
  const { project } = await setup(app, workspace);
  const preds = await predict(page, 1, [
    { bbox: [220, 110, 70, 70], score: 0.91 },
    { bbox: [40, 40, 60, 50], score: 0.42 },
    { bbox: [60, 180, 80, 60], score: 0.35 },
  ]);
  const onB = await predict(page, 2, [
    { bbox: [200, 100, 60, 60], score: 0.8 },
    { bbox: [20, 20, 40, 40], score: 0.3 },
  ]);
  const onC = await predict(page, 3, [
    { bbox: [250, 150, 70, 70], score: 0.7 },
    { bbox: [20, 200, 50, 40], score: 0.2 },
  ]);
  await app.images.show();
  await app.images.open('a.png');
  await app.editor.waitForImage();
  const [edited, other1, other2] = preds;

  await test.step('moving a prediction accepts it; "Reject rest" leaves it accepted', async () => {
    await app.editor.select(edited);
    await app.editor.dragBy(edited, -20, 0);
    await app.editor.waitForIdle();
    expect(annotation(project, edited)).toMatchObject({ state: 'accepted', source: 'model-edited' });
    await expect(app.editor.row(edited)).toHaveAttribute('data-look', 'edited');
    await expect(app.editor.row(other1)).toHaveAttribute('data-look', 'pending');
    await app.editor.select(other1);
    await app.editor.press('Enter');
    await app.editor.waitForIdle();
    await expect(app.editor.row(other1)).toHaveAttribute('data-look', 'accepted');
    await app.screenshot('states-edited-accepted-pending');
    await app.editor.press('Shift+Backspace');
    await app.editor.waitForIdle();
    expect(annotation(project, edited)).toMatchObject({ state: 'accepted', source: 'model-edited' });
    expect(annotation(project, other1)).toMatchObject({ state: 'accepted', source: 'model' });
    expect(annotation(project, other2)).toMatchObject({ state: 'rejected', source: 'model' });
  });

  await test.step('Shift+H shows rejected ones; Restore brings one back, and it stays after a reload', async () => {
    await expect(app.editor.row(other2)).toHaveCount(0);
    await app.editor.press('Shift+H');
    await expect(app.editor.row(other2)).toHaveAttribute('data-look', 'rejected');
    await app.screenshot('states-rejected-shown');
    await app.editor.row(other2).getByTestId('restore').click();
    await app.editor.waitForIdle();
    expect(annotation(project, other2)).toMatchObject({ state: 'pending', source: 'model' });
    // Reject the edited one and reload: restored, it is accepted again (an edit decided it).
    await app.editor.select(edited);
    await app.editor.press('Delete');
    await app.editor.waitForIdle();
    expect(annotation(project, edited)!.state).toBe('rejected');
    await page.reload();
    await app.waitForTestApi();
    await expect.poll(async () => (await app.editor.state()).imageId).toBe(1);
    expect((await app.editor.state()).annotations.find((a) => a.id === other2)!.state).toBe('pending');
    await expect(app.editor.row(edited)).toHaveCount(0);
    await page.getByTestId('show-rejected').check();
    await expect(app.editor.row(edited)).toHaveAttribute('data-look', 'rejected');
    await app.editor.row(edited).getByTestId('restore').click();
    await app.editor.waitForIdle();
    expect(annotation(project, edited)).toMatchObject({ state: 'accepted', source: 'model-edited' });
    await page.getByTestId('show-rejected').uncheck();
  });

  await test.step('Space with 1 pending asks; Enter accepts it and the image is reviewed', async () => {
    expect(annotationsOf(project, 1).filter((a) => a.state === 'pending')).toHaveLength(1);
    await app.editor.press('Space');
    await expect(page.getByTestId('review-prompt')).toBeVisible();
    await expect(page.getByTestId('review-prompt')).toContainText('1 pending prediction');
    await app.screenshot('review-prompt');
    await app.editor.press('Enter');
    await expect.poll(() => imageStatus(project, 1)).toBe('reviewed');
    const rows = annotationsOf(project, 1);
    expect(rows.filter((a) => a.state === 'pending')).toHaveLength(0);
    expect(annotation(project, other2)!.state).toBe('accepted');
    await expect(page.getByTestId('review-prompt')).toBeHidden();
  });

  await test.step('on an image with 2 pending: Esc leaves it as it was; Enter accepts both', async () => {
    await expect(page.getByTestId('image-name')).toHaveText('b.png');
    const before = imageStatus(project, 2);
    await app.editor.press('Space');
    await expect(page.getByTestId('review-prompt')).toContainText('2 pending predictions');
    await app.editor.press('Escape');
    await expect(page.getByTestId('review-prompt')).toBeHidden();
    await app.editor.waitForIdle();
    expect(imageStatus(project, 2)).toBe(before);
    expect(annotationsOf(project, 2).filter((a) => a.state === 'pending')).toHaveLength(2);
    await expect(page.getByTestId('image-name')).toHaveText('b.png');

    await app.editor.press('Space');
    await expect(page.getByTestId('review-prompt')).toBeVisible();
    await app.editor.press('Enter');
    await expect.poll(() => imageStatus(project, 2)).toBe('reviewed');
    expect(onB.map((id) => annotation(project, id)!.state)).toEqual(['accepted', 'accepted']);
  });

  await test.step('on the next one, Backspace rejects its 2 pending predictions', async () => {
    await expect(page.getByTestId('image-name')).toHaveText('c.png');
    await app.editor.press('Space');
    await expect(page.getByTestId('review-prompt')).toContainText('2 pending predictions');
    await app.editor.press('Backspace');
    await expect.poll(() => imageStatus(project, 3)).toBe('reviewed');
    expect(onC.map((id) => annotation(project, id)!.state)).toEqual(['rejected', 'rejected']);
  });
});

test('keys go to the focused control; a missing file stops editing', async ({ app, workspace }) => {
  const { page } = app;
  const { project, images } = await setup(app, workspace);
  await page.evaluate(() =>
    window.__labelwright!.call('annotations.apply', {
      imageId: 1,
      changes: [{ op: 'create', categoryId: 1, bbox: [220, 110, 70, 70] }],
    }),
  );
  await app.images.show();
  await app.images.open('a.png');
  const s0 = await app.editor.waitForImage();
  const box = s0.annotations[0];

  await test.step('arrows on the focused threshold slider move the slider, not the box', async () => {
    await app.editor.select(box.id);
    const slider = page.getByTestId('accept-threshold');
    const v0 = Number(await slider.inputValue());
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => Number(await slider.inputValue())).toBeCloseTo(v0 - 0.02, 5);
    await app.editor.waitForIdle();
    const row = annotation(project, box.id)!;
    expect([row.x, row.y, row.w, row.h]).toEqual(box.bbox);
    expect((await app.editor.state()).history.undo).toBe(0);
  });

  await test.step('after choosing a category in the dropdown, D goes to the next image', async () => {
    const select = page.getByTestId('draw-category');
    await select.focus();
    await select.selectOption({ label: '2 blue' });
    await expect.poll(async () => (await app.editor.state()).imageId).toBe(1);
    await page.keyboard.press('d');
    await expect(page.getByTestId('image-name')).toHaveText('b.png');
  });

  await test.step('the default for pending predictions is a setting in the help, kept across a reload', async () => {
    await app.editor.press('?');
    await page.getByTestId('review-default').selectOption('reject');
    await app.screenshot('help-review-default');
    await page.reload();
    await app.waitForTestApi();
    await expect(page.getByTestId('image-name')).toHaveText('b.png');
    await app.editor.press('?');
    await expect(page.getByTestId('review-default')).toHaveValue('reject');
    await page.getByTestId('review-default').selectOption('ask');
    await app.editor.press('Escape');
    await expect(page.getByTestId('help-overlay')).toBeHidden();
  });

  await test.step('a missing file: the message shows, and nothing edits or reviews it', async () => {
    rmSync(join(images, 'c.png'));
    await app.editor.press('d');
    await expect(page.getByTestId('image-name')).toHaveText('c.png');
    const problem = page.getByTestId('image-problem');
    await expect(problem).toBeVisible();
    await expect(problem).toContainText('missing');
    await expect(problem).toContainText(join(images, 'c.png'));
    await expect(page.getByTestId('tool-box')).toBeDisabled();
    await expect(page.getByTestId('mark-reviewed')).toBeDisabled();
    await app.screenshot('missing-file');
    await app.editor.drawBox(50, 50, 150, 150);
    await app.editor.press('Space');
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 3)).toHaveLength(0);
    expect(imageStatus(project, 3)).not.toBe('reviewed');
    await expect(page.getByTestId('image-name')).toHaveText('c.png');
  });
});
