/**
 * Pre-labeling with a Pix2seq pack from the Pre-label screen: the pack is selectable (a
 * UNITER pack does not pre-label: choosing it turns the run into a label audit, audit.e2e.ts),
 * the job writes the red square as `red`, and the job card counts the class no category matches.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';

test('pre-label screen: a Pix2seq job, with the classes it dropped', async ({ app, workspace }) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'squares.png'), 481, 333, [
    { color: 'red', x: 40, y: 50, size: 120 },
    { color: 'blue', x: 300, y: 150, size: 110 },
  ]);
  await app.start.createProject(join(workspace.dir, 'p.lw'));
  await app.start.addFolder(images);
  await app.waitForTestApi();
  const red = await page.evaluate(async () => (await window.__labelwright!.call('categories.add', { name: 'red' })).id);

  await app.prelabel.show();
  await expect(page.getByTestId('pack-pix2seq-fixture')).toBeEnabled();
  await expect(page.getByTestId('start-job')).toHaveText('Run'); // not an audit: no UNITER pack chosen
  await app.prelabel.run(['pix2seq-fixture'], 'unlabeled');
  const job = page.getByTestId('job').first();
  await expect(job).toHaveAttribute('data-state', 'done');
  await expect(job.getByTestId('job-dropped')).toContainText('blue ×1');

  const stored = await page.evaluate(async () => {
    const api = window.__labelwright!;
    const [image] = (await api.call('images.query', {})).items;
    return (await api.call('images.get', { id: image.id })).annotations.map((a) => ({ categoryId: a.categoryId, bbox: a.bbox }));
  });
  expect(stored).toHaveLength(1);
  expect(stored[0].categoryId).toBe(red);
  const [x, y, w, h] = stored[0].bbox;
  expect(Math.abs(x - 40) + Math.abs(y - 50) + Math.abs(w - 120) + Math.abs(h - 120)).toBeLessThan(16);
});
