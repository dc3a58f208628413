/**
 * The report screen's "SAM against GroupViT" section: absent while the project has masks from
 * one source only; after a `masks: 'groupvit'` job beside a `masks: 'sam'` one, a row per
 * category and source with what the person decided in the editor.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';

test('report: SAM-refined against GroupViT-fused masks, shown once both exist', async ({ app, workspace }) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'a.png'), 480, 360, [
    { color: 'red', x: 40, y: 50, size: 120 },
    { color: 'blue', x: 280, y: 150, size: 110 },
  ]);
  await writeSquares(join(images, 'b.png'), 480, 360, [
    { color: 'red', x: 200, y: 80, size: 130 },
    { color: 'blue', x: 40, y: 200, size: 100 },
  ]);
  await app.start.createProject(join(workspace.dir, 'p.lw'));
  await app.start.addFolder(images);
  await app.waitForTestApi();

  /** Runs one job on one image through the API the Pre-label screen uses, and waits for it. */
  const prelabel = (name: string, masks: 'sam' | 'groupvit') =>
    page.evaluate(
      async ({ name, masks }) => {
        const api = window.__labelwright!;
        const categoryIds = (await api.call('categories.list', {})).map((c) => c.id);
        const image = (await api.call('images.query', {})).items.find((i) => i.name === name)!;
        const packs = ['pix2seq-fixture', 'sam-fixture', 'groupvit-fixture'];
        const { jobId } = await api.call('jobs.start', { packs, target: { kind: 'images', imageIds: [image.id] }, categoryIds, masks });
        for (;;) {
          const job = (await api.call('jobs.list', {})).find((j) => j.jobId === jobId)!;
          if (job.state !== 'running' && job.state !== 'pending') return { state: job.state, done: job.done };
          await new Promise((r) => setTimeout(r, 200));
        }
      },
      { name, masks },
    );
  await page.evaluate(async () => {
    for (const name of ['red', 'blue']) await window.__labelwright!.call('categories.add', { name });
  });

  expect(await prelabel('a.png', 'sam')).toEqual({ state: 'done', done: 1 });
  await app.report.show();
  await expect(page.getByTestId('report-by-model')).toBeVisible();
  // SAM's masks only: nothing to compare yet
  await expect(page.getByTestId('report-mask-sources')).toHaveCount(0);

  expect(await prelabel('b.png', 'groupvit')).toEqual({ state: 'done', done: 1 });
  // The person accepts red on a (SAM) and rejects blue on b (GroupViT); the rest stays pending.
  await page.evaluate(async () => {
    const api = window.__labelwright!;
    const cats = await api.call('categories.list', {});
    const id = (n: string) => cats.find((c) => c.name === n)!.id;
    for (const [name, category, state] of [
      ['a.png', 'red', 'accepted'],
      ['b.png', 'blue', 'rejected'],
    ] as const) {
      const image = (await api.call('images.query', {})).items.find((i) => i.name === name)!;
      const ann = (await api.call('images.get', { id: image.id })).annotations.find((a) => a.categoryId === id(category))!;
      await api.call('annotations.apply', { imageId: image.id, changes: [{ op: 'update', id: ann.id, patch: { state } }] });
    }
  });
  await page.getByTestId('tab-browser').click();
  await app.report.show();
  const table = page.getByTestId('report-mask-sources');
  await expect(table).toBeVisible();
  const row = (name: string, source: string) => table.locator(`[data-testid="mask-source-row"][data-name="${name}"][data-source="${source}"] td`);
  // Category, source, masks, accepted unchanged, edited, mean IoU, rejected, pending, kept as is
  await expect(row('red', 'sam')).toHaveText(['red', 'SAM (box prompt)', '1', '1', '0', '—', '0', '0', '100%']);
  await expect(row('blue', 'sam')).toHaveText(['blue', 'SAM (box prompt)', '1', '0', '0', '—', '0', '1', '—']);
  await expect(row('red', 'groupvit')).toHaveText(['red', 'GroupViT (class mask cut to box)', '1', '0', '0', '—', '0', '1', '—']);
  await expect(row('blue', 'groupvit')).toHaveText(['blue', 'GroupViT (class mask cut to box)', '1', '0', '0', '—', '1', '0', '0%']);
  await table.scrollIntoViewIfNeeded();
  await app.screenshot('report-mask-sources', true);
});
