/**
 * The image browser: status counts, filters (status, category, pending, min score),
 * sort by uncertainty, keyboard navigation.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';

test('image browser: filters, sort by uncertainty, keyboard', async ({ app, workspace }) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'a-red.png'), 320, 240, [{ color: 'red', x: 40, y: 40, size: 80 }]);
  await writeSquares(join(images, 'b-blue.png'), 320, 240, [{ color: 'blue', x: 100, y: 60, size: 90 }]);
  await writeSquares(join(images, 'c-empty.png'), 320, 240, []);
  await app.start.createProject(join(workspace.dir, 'p.lw'));
  await app.start.addFolder(images);
  await app.categories.show();
  await app.categories.add('red');
  await app.categories.add('blue');
  await app.prelabel.show();
  await app.prelabel.run(['glip-fixture'], 'all');
  await app.images.show();
  await expect(app.images.cells).toHaveCount(3);

  const names = async () =>
    app.images.cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
  await page.getByTestId('filter-pending').check();
  await expect(app.images.cells).toHaveCount(2);
  expect(await names()).toEqual(['a-red.png', 'b-blue.png']);
  await page.getByTestId('filter-pending').uncheck();

  const blue = await page
    .getByTestId('filter-category')
    .locator('option', { hasText: 'blue' })
    .getAttribute('value');
  await page.getByTestId('filter-category').selectOption(blue!);
  await expect(app.images.cells).toHaveCount(1);
  expect(await names()).toEqual(['b-blue.png']);
  await page.getByTestId('filter-category').selectOption('');

  const cId = Number(await app.images.cell('c-empty.png').getAttribute('data-image-id'));
  await page.evaluate(
    (id) => window.__labelwright!.call('images.setStatus', { id, status: 'reviewed' }),
    cId,
  );
  await page.getByTestId('filter-reviewed').click();
  await expect(app.images.cells).toHaveCount(1);
  await expect(page.getByTestId('filter-reviewed')).toContainText('1');
  expect(await names()).toEqual(['c-empty.png']);
  await page.getByTestId('filter-reviewed').click();

  await page.getByTestId('sort').selectOption('uncertainty');
  await expect(app.images.cells).toHaveCount(3);
  expect((await names())[2]).toBe('c-empty.png'); // no model output: last

  // keyboard: focus the grid, move right, Enter opens
  await page.getByTestId('sort').selectOption('name');
  await page.getByTestId('image-grid').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('image-name')).toHaveText('b-blue.png');
});
