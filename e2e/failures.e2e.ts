/**
 * Failures are visible (issue 9, defect 6): an image whose file went away is marked in the
 * grid; a job's failed images are listed with their reasons and "Retry failed" tries them
 * again; an RPC error reaches the person as a toast with its message and hint.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';
import { readDb } from './support/db';

async function threeImages(dir: string, names: string[]): Promise<string> {
  const images = join(dir, 'images');
  mkdirSync(images);
  for (const [i, n] of names.entries())
    await writeSquares(join(images, n), 320, 240, [{ color: i % 2 ? 'blue' : 'red', x: 30 + 40 * i, y: 40, size: 80 }]);
  return images;
}

test('the grid marks an image whose file is gone, and says why', async ({ app, workspace }) => {
  const images = await threeImages(workspace.dir, ['a.png', 'b.png', 'c.png']);
  await app.start.createProject(join(workspace.dir, 'p.lw'));
  await app.start.addFolder(images);
  renameSync(join(images, 'b.png'), join(workspace.dir, 'b-moved-away.png'));

  await app.images.show();
  await expect(app.images.cells).toHaveCount(3);
  await expect(app.images.fileMark('b.png')).toHaveText(/File missing/);
  await expect(app.images.fileMark('b.png')).toHaveAttribute('title', /not at its path/);
  await expect(app.images.cell('b.png')).toHaveAttribute('title', /not at its path/);
  await expect(app.images.fileMark('a.png')).toHaveCount(0);
  await expect(app.images.fileMark('c.png')).toHaveCount(0);
  await app.images.cell('b.png').hover();
  await app.screenshot('grid-file-missing');
});

test('a job lists its failed image with the reason; a click opens it; "Retry failed" tries it again', async ({
  app,
  workspace,
}) => {
  const { page } = app;
  const images = await threeImages(workspace.dir, ['one.png', 'two.png', 'three.png']);
  const project = join(workspace.dir, 'p.lw');
  await app.start.createProject(project);
  await app.start.addFolder(images);
  await app.categories.show();
  await app.categories.add('red');
  await app.categories.add('blue');
  // Damaged after it was added (a sync tool, a disk error): the job finds out.
  const two = join(images, 'two.png');
  const good = readFileSync(two);
  writeFileSync(two, 'this used to be a PNG');

  await app.prelabel.show();
  await app.prelabel.run(['glip-fixture'], 'all');
  const job = page.getByTestId('job').first();
  await expect(job).toContainText('2 / 3 done · 1 failed');
  await expect(app.prelabel.failedItems()).toHaveCount(1);
  const item = app.prelabel.failedItems().first();
  await expect(item).toContainText('two.png');
  await expect(item).toContainText(/could not be decoded|not a supported image/);
  await app.screenshot('job-failed-items');

  await item.getByRole('button', { name: 'two.png' }).click();
  await expect(page.getByTestId('image-name')).toHaveText('two.png');

  // Put the file right and retry: the item runs again and succeeds.
  writeFileSync(two, good);
  await app.prelabel.show();
  await app.prelabel.retryFailed();
  await expect(job).toContainText('3 / 3 done · 0 failed', { timeout: 60_000 });
  await expect(app.prelabel.failedItems()).toHaveCount(0);
  const row = readDb(project, (db) =>
    db
      .prepare(`SELECT j.state, j.attempts, j.error FROM job_items j JOIN images i ON i.id = j.image_id WHERE i.path = ?`)
      .get(two),
  ) as { state: string; attempts: number; error: string | null };
  expect(row).toEqual({ state: 'done', attempts: 2, error: null });
});

test('an RPC error shows a toast with its message and its hint', async ({ app, workspace }) => {
  const { page } = app;
  await app.start.createProject(join(workspace.dir, 'p.lw'));
  const missing = join(workspace.dir, 'no-such-folder');
  await page.getByTestId('folder-path').fill(missing);
  await page.getByTestId('add-folder').click();
  const toast = page.getByTestId('toast');
  await expect(toast).toBeVisible();
  await expect(toast).toHaveAttribute('role', 'alert');
  await expect(toast).toContainText(`Folder not found: ${missing}`);
  await expect(page.getByTestId('toast-hint')).toContainText('Check the path');
  await app.screenshot('toast-rpc-error');
  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toast).toHaveCount(0);
});
