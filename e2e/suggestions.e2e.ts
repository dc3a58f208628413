/**
 * Category suggestions for a drawn box (Pix2seq): the project's settings choose the fixture
 * pack on the Models screen; a box drawn around the red square shows a bar that ranks `red`
 * first; Y gives the box that category, Alt+2 the second one shown; turned off, the bar is gone.
 * Stored categories are read back over RPC, not from the screen.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';

test('suggestions: draw a box around a red square, the bar ranks red first, Y applies it', async ({ app, workspace }) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'squares.png'), 480, 360, [
    { color: 'red', x: 60, y: 70, size: 128 },
    { color: 'blue', x: 300, y: 200, size: 100 },
  ]);
  await app.start.createProject(join(workspace.dir, 'p.lw'));
  await app.start.addFolder(images);
  await app.waitForTestApi();
  // `blue` first: new boxes get it, so taking `red` is a visible change.
  const cat = await page.evaluate(async () => {
    const api = window.__labelwright!;
    const blue = await api.call('categories.add', { name: 'blue' });
    const red = await api.call('categories.add', { name: 'red' });
    const green = await api.call('categories.add', { name: 'green' });
    return { blue: blue.id, red: red.id, green: green.id };
  });
  const stored = (imageId: number) =>
    page.evaluate(
      async (id) => (await window.__labelwright!.call('images.get', { id })).annotations.map((a) => ({ x: Math.round(a.bbox[0]), categoryId: a.categoryId })),
      imageId,
    );

  await test.step('choose the fixture Pix2seq pack for suggestions on the Models screen', async () => {
    await app.tab('models');
    await page.getByTestId('suggest-pack').selectOption('pix2seq-fixture');
    await expect
      .poll(() => page.evaluate(() => window.__labelwright!.call('project.settings', {})))
      .toEqual({ suggestPack: 'pix2seq-fixture', suggestions: true, samPack: null });
  });

  let imageId = 0;
  await test.step('draw a box around the red square: the bar ranks red first', async () => {
    await app.images.show();
    await app.images.open('squares.png');
    imageId = (await app.editor.waitForImage()).imageId!;
    const bar = page.getByTestId('suggestion-bar');
    await expect(bar).toHaveAttribute('data-status', 'none');
    await app.editor.drawBox(56, 66, 192, 202);
    await expect(bar).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
    const names = await bar.getByTestId('suggestion').evaluateAll((els) => els.map((e) => e.getAttribute('data-category')));
    expect(names[0]).toBe('red');
    expect(names.length).toBeLessThanOrEqual(3);
    await expect(bar.getByTestId('suggestion').first()).toContainText(/red \d+%/);
    await app.screenshot('suggestion-bar');
  });

  await test.step('Y gives the box the top suggestion (stored), and the bar is done with it', async () => {
    await app.editor.press('y');
    await app.editor.waitForIdle();
    const rows = await stored(imageId);
    expect(rows).toHaveLength(1);
    expect(rows[0].categoryId).toBe(cat.red);
    await expect(page.getByTestId('suggestion-bar')).toHaveAttribute('data-status', 'none');
    // One undo step puts the drawn category back.
    await app.editor.press('Control+z');
    await app.editor.waitForIdle();
    expect((await stored(imageId))[0].categoryId).toBe(cat.blue);
  });

  await test.step('Alt+2 takes the second suggestion for a box around the blue square', async () => {
    await app.editor.drawBox(298, 198, 402, 302);
    const bar = page.getByTestId('suggestion-bar');
    await expect(bar).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
    const names = await bar.getByTestId('suggestion').evaluateAll((els) => els.map((e) => e.getAttribute('data-category')));
    expect(names[0]).toBe('blue');
    expect(names.length).toBeGreaterThanOrEqual(2);
    await page.keyboard.press('Alt+2');
    await app.editor.waitForIdle();
    const second = names[1] as 'red' | 'green';
    const rows = await stored(imageId);
    expect(rows.find((r) => r.x === 298)?.categoryId).toBe(cat[second]);
    expect(rows.find((r) => r.x === 56)?.categoryId).toBe(cat.blue); // the first box, as the undo left it
  });

  await test.step('turned off in the settings, the bar is gone', async () => {
    await app.tab('models');
    await page.getByTestId('suggest-on').uncheck();
    await expect
      .poll(() => page.evaluate(() => window.__labelwright!.call('project.settings', {})))
      .toEqual({ suggestPack: 'pix2seq-fixture', suggestions: false, samPack: null });
    await app.images.show();
    await app.images.open('squares.png');
    await app.editor.waitForImage();
    await app.editor.drawBox(20, 20, 50, 50);
    await app.editor.waitForIdle();
    await expect(page.getByTestId('suggestion-bar')).toHaveCount(0);
  });
});
