/**
 * Category panel (rename, hotkey, threshold, merge with counts) and model manager (verify
 * a fixture pack), driven through the UI and checked in the database.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { readDb } from './support/db';
import { writeSquares } from './support/images';

test('categories: rename, hotkey, threshold, merge; models: verify', async ({ app, workspace }) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'a.png'), 200, 150, [{ color: 'red', x: 20, y: 20, size: 50 }]);
  const project = join(workspace.dir, 'p.lw');
  await app.start.createProject(project);
  await app.start.addFolder(images);
  await app.categories.show();
  await app.categories.add('car');
  await app.categories.add('automobile', 'an automobile');
  await app.waitForTestApi();
  await page.evaluate(() =>
    window.__labelwright!.call('annotations.apply', {
      imageId: 1,
      changes: [
        { op: 'create', categoryId: 2, bbox: [1, 1, 10, 10] },
        { op: 'create', categoryId: 2, bbox: [20, 20, 10, 10] },
      ],
    }),
  );
  await app.categories.show();
  const row = (name: string) => page.locator(`[data-testid="category-row"][data-name="${name}"]`);
  await expect(row('automobile')).toContainText('2');

  // rename
  const nameInput = row('car').locator('input').nth(1);
  await nameInput.fill('vehicle');
  await nameInput.press('Enter');
  await expect(row('vehicle')).toBeVisible();
  // hotkey and threshold
  await row('vehicle').getByLabel('Hotkey of vehicle').selectOption('7');
  await expect(row('vehicle').getByLabel('Hotkey of vehicle')).toHaveValue('7');
  const th = row('vehicle').getByLabel('Prediction threshold of vehicle');
  await th.fill('0.4');
  await th.blur();
  await expect
    .poll(() =>
      readDb(project, (db) =>
        db.prepare(`SELECT name, hotkey, threshold FROM categories WHERE id = 1`).get(),
      ),
    )
    .toEqual({
      name: 'vehicle',
      hotkey: '7',
      threshold: 0.4,
    });
  // merge automobile into vehicle: its annotations move
  await row('automobile').getByLabel('Merge automobile into').selectOption({ label: 'vehicle' });
  await row('automobile').getByRole('button', { name: 'Merge' }).click();
  await expect(row('automobile')).toHaveCount(0);
  await expect(row('vehicle')).toContainText('2');
  expect(
    readDb(project, (db) => db.prepare(`SELECT COUNT(*) AS n FROM annotations WHERE category_id = 1`).get()),
  ).toEqual({ n: 2 });

  // model manager: verify the fixture pack
  await app.tab('models');
  const pack = page.locator('[data-testid="model-row"][data-id="glip-fixture"]');
  await expect(pack).toContainText('installed');
  await pack.getByRole('button', { name: 'Verify' }).click();
  await expect(pack.locator('.verify li').first()).toBeVisible();
  await expect(pack.locator('.verify li.error')).toHaveCount(0);
});
