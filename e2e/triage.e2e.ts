/**
 * Triage (issue 9, defect 8): D/A in the editor walk the grid's filter and order, not every
 * image by name.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';

test('with the grid filtered to one status, D and A walk only the filtered images', async ({ app, workspace }) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  const names = ['a.png', 'b.png', 'c.png', 'd.png', 'e.png'];
  for (const [i, n] of names.entries())
    await writeSquares(join(images, n), 320, 240, [{ color: 'green', x: 20 + 30 * i, y: 30, size: 60 }]);
  await app.start.createProject(join(workspace.dir, 'p.lw'));
  await app.start.addFolder(images);
  await app.images.show();
  await expect(app.images.cells).toHaveCount(5);
  const id = async (n: string) => Number(await app.images.cell(n).getAttribute('data-image-id'));
  // a, c and e reviewed (set up through the API; the walk below is mouse and keyboard).
  for (const n of ['a.png', 'c.png', 'e.png'])
    await page.evaluate((id) => window.__labelwright!.call('images.setStatus', { id, status: 'reviewed' }), await id(n));

  await app.images.toggleStatus('reviewed');
  await expect(app.images.cells).toHaveCount(3);
  expect(await app.images.names()).toEqual(['a.png', 'c.png', 'e.png']);
  await app.images.open('a.png');
  await app.editor.press('d');
  await expect(page.getByTestId('image-name')).toHaveText('c.png'); // not b.png
  await app.editor.press('d');
  await expect(page.getByTestId('image-name')).toHaveText('e.png'); // not d.png
  await app.editor.press('a');
  await expect(page.getByTestId('image-name')).toHaveText('c.png');

  // Back in the grid the filter is as it was; without it, D walks every image again.
  await app.images.show();
  await expect(page.getByTestId('filter-reviewed')).toHaveClass(/\bon\b/);
  expect(await app.images.names()).toEqual(['a.png', 'c.png', 'e.png']);
  await app.images.toggleStatus('reviewed');
  await expect(app.images.cells).toHaveCount(5);
  await page.getByTestId('sort').selectOption('uncertainty');
  await expect(page.getByTestId('sort').locator('option:checked')).toHaveText(/most uncertain first \(score nearest its threshold\)/i);
  await app.screenshot('grid-uncertainty-sort');
  await page.getByTestId('sort').selectOption('name');
  await app.images.open('a.png');
  await app.editor.press('d');
  await expect(page.getByTestId('image-name')).toHaveText('b.png');
});
