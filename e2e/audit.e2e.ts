/**
 * UNITER label audit in the app (issue 14), with the uniter fixture pack: the audit is run
 * from the Pre-label screen, the grid's Audit filter shows the flagged images most
 * suspicious first (and D walks them), the editor shows an image's flags and one goes away
 * when the missing box is drawn, the correction report counts the flags per category, and
 * a category's audit threshold is set and cleared on the Categories screen.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';

test('audit labels with UNITER: run, filter, fix a flag, report, threshold', async ({ app, workspace }) => {
  test.setTimeout(180_000);
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  // red.png: a red square, nothing annotated (likely missing: red).
  // blue.png: a blue square annotated blue (no flag).
  // mislabeled.png: a red square whose only annotation is a blue box (likely missing: red; doubtful: blue).
  await writeSquares(join(images, 'red.png'), 320, 240, [{ color: 'red', x: 60, y: 50, size: 100 }]);
  await writeSquares(join(images, 'blue.png'), 320, 240, [{ color: 'blue', x: 120, y: 70, size: 100 }]);
  await writeSquares(join(images, 'mislabeled.png'), 320, 240, [{ color: 'red', x: 40, y: 40, size: 110 }]);
  await app.start.createProject(join(workspace.dir, 'p.lw'));
  await app.start.addFolder(images);
  await app.waitForTestApi();
  // Set-up through the API; everything after it is mouse and keyboard.
  const ids = await page.evaluate(async () => {
    const api = window.__labelwright!;
    const red = (await api.call('categories.add', { name: 'red' })).id;
    const blue = (await api.call('categories.add', { name: 'blue' })).id;
    const byName = new Map((await api.call('images.query', {})).items.map((im) => [im.name, im.id]));
    await api.call('annotations.apply', {
      imageId: byName.get('blue.png')!,
      changes: [{ op: 'create', categoryId: blue, bbox: [120, 70, 100, 100] }],
    });
    await api.call('annotations.apply', {
      imageId: byName.get('mislabeled.png')!,
      changes: [{ op: 'create', categoryId: blue, bbox: [200, 150, 80, 60] }],
    });
    return { red, blue, mislabeled: byName.get('mislabeled.png')! };
  });

  await test.step('choosing the UNITER pack turns the run into a label audit over all images', async () => {
    await app.prelabel.show();
    const run = page.getByTestId('start-job');
    await expect(run).toHaveText('Run');
    await page.getByTestId('pack-uniter-fixture').check();
    await expect(run).toHaveText('Audit labels');
    await expect(page.getByTestId('audit-note')).toBeVisible();
    await expect(page.getByTestId('target-all')).toHaveAttribute('aria-checked', 'true');
    // Only the UNITER pack is chosen: an audit is one pack alone.
    await expect(page.locator('[data-testid^="pack-"]:checked')).toHaveCount(1);
    await run.click();
    const job = page.getByTestId('job').first();
    await expect(job).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
    await expect(job.getByTestId('job-mode')).toHaveText('Audit');
    await expect(job).toContainText('3 / 3 done');
    await app.screenshot('audit-job');
  });

  // The order the grid must show: each image by its most suspicious flag, greatest first (ties by name).
  const report = await page.evaluate(() => window.__labelwright!.call('audit.report', {}));
  const top = new Map<string, number>();
  for (const f of report.flags)
    top.set(f.imageName, Math.max(top.get(f.imageName) ?? -Infinity, f.suspicion));
  const flagged = [...top.keys()].sort((a, b) => top.get(b)! - top.get(a)! || a.localeCompare(b));
  expect(new Set(flagged)).toEqual(new Set(['red.png', 'mislabeled.png']));

  await test.step('the Audit filter shows the flagged images, most suspicious first, with their marks', async () => {
    await app.images.show();
    await expect(app.images.cells).toHaveCount(3);
    await page.getByTestId('filter-audit').selectOption('flagged');
    await expect(page.getByTestId('sort')).toHaveValue('audit');
    await expect(app.images.cells).toHaveCount(2);
    expect(await app.images.names()).toEqual(flagged);
    await expect(app.images.cell('red.png').getByTestId('audit-mark')).toHaveText('1 missing');
    await expect(app.images.cell('mislabeled.png').getByTestId('audit-mark')).toHaveText(
      '1 missing · 1 doubtful',
    );
    await page.getByTestId('filter-audit').selectOption('doubtful');
    await expect(app.images.cells).toHaveCount(1);
    expect(await app.images.names()).toEqual(['mislabeled.png']);
    await page.getByTestId('filter-audit').selectOption('flagged');
    await expect(app.images.cells).toHaveCount(2);
    await app.screenshot('audit-grid');
  });

  await test.step('D and A walk the flagged images only', async () => {
    await app.images.open(flagged[0]);
    await app.editor.press('d');
    await expect(page.getByTestId('image-name')).toHaveText(flagged[1]);
    await expect(page.getByTitle('Next (D)')).toBeDisabled(); // blue.png is not flagged
    if (flagged[1] !== 'mislabeled.png') {
      await app.editor.press('a');
      await expect(page.getByTestId('image-name')).toHaveText('mislabeled.png');
    }
  });

  await test.step('the editor shows the flags; clicking them picks the category or selects its annotations', async () => {
    const flags = page.getByTestId('audit-flag');
    await expect(flags).toHaveCount(2);
    const missing = page.locator('[data-testid="audit-flag"][data-kind="missing"]');
    const doubtful = page.locator('[data-testid="audit-flag"][data-kind="doubtful"]');
    await expect(missing).toContainText('Likely missing:');
    await expect(missing).toContainText('red');
    await expect(doubtful).toContainText('Doubtful:');
    await expect(doubtful).toContainText('blue');
    // The score as UNITER gives it (raw rank_logit) and its sigmoid, each labelled.
    const redFlag = report.flags.find((f) => f.imageName === 'mislabeled.png' && f.kind === 'missing')!;
    const pct = Math.round(100 / (1 + Math.exp(-redFlag.rankLogit)));
    const logit = `${redFlag.rankLogit < 0 ? '−' : '+'}${Math.abs(redFlag.rankLogit).toFixed(2)}`;
    await expect(missing.getByTestId('audit-score')).toContainText(`logit ${logit}`);
    await expect(missing.getByTestId('audit-score')).toContainText(`match ${pct}%`);

    const blueBox = (await app.editor.state()).annotations.find((a) => a.categoryId === ids.blue)!;
    await doubtful.click();
    await expect.poll(async () => (await app.editor.state()).selectedIds).toEqual([blueBox.id]);
    await missing.click();
    await expect(page.getByTestId('draw-category')).toHaveValue(String(ids.red));
    await expect.poll(async () => (await app.editor.state()).selectedIds).toEqual([]);
    await app.screenshot('audit-editor', true);
  });

  await test.step('drawing the missing red box clears its flag at once', async () => {
    await app.editor.drawBox(40, 40, 150, 150);
    await app.editor.waitForIdle();
    const red = (await app.editor.state()).annotations.filter((a) => a.categoryId === ids.red);
    expect(red).toHaveLength(1);
    await expect(page.getByTestId('audit-flag')).toHaveCount(1);
    await expect(page.locator('[data-testid="audit-flag"][data-kind="doubtful"]')).toContainText('blue');
    await app.screenshot('audit-editor-fixed');
  });

  const counts = async (name: string) => {
    const row = app.report.row(name);
    return [
      await row.getByTestId('report-audit-missing').textContent(),
      await row.getByTestId('report-audit-doubtful').textContent(),
    ];
  };

  await test.step('the correction report counts each category’s flags', async () => {
    await app.report.show();
    await expect.poll(() => counts('red')).toEqual(['1', '0']); // red.png
    await expect.poll(() => counts('blue')).toEqual(['0', '1']); // mislabeled.png
    await app.screenshot('audit-report');
  });

  await test.step('a category’s audit threshold: set, then cleared back to the pack default', async () => {
    await app.categories.show();
    const blueRow = report.categories.find((c) => c.categoryId === ids.blue)!;
    expect(blueRow.thresholdSource).toBe('pack');
    const input = page.getByLabel('Audit threshold of blue');
    await expect(input).toHaveValue('');
    await expect(input).toHaveAttribute('placeholder', String(blueRow.threshold));
    // Far above any score: every blue annotation becomes doubtful (blue.png too).
    await input.click();
    await input.fill('100');
    await page.keyboard.press('Enter');
    await expect(input).toHaveValue('100');
    await app.screenshot('audit-thresholds');
    await app.report.show();
    await expect.poll(() => counts('blue')).toEqual(['0', '2']);

    await app.categories.show();
    await input.click();
    await input.fill('');
    await page.keyboard.press('Enter');
    await expect(input).toHaveValue('');
    await expect(input).toHaveAttribute('placeholder', String(blueRow.threshold));
    await app.report.show();
    await expect.poll(() => counts('blue')).toEqual(['0', '1']);

    // Not a number: refused with a message, nothing saved.
    await app.categories.show();
    await input.click();
    await input.fill('high');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('toast')).toContainText('is not a number');
    await expect(input).toHaveValue('');
    const after = await page.evaluate(() => window.__labelwright!.call('audit.report', {}));
    expect(after.categories.find((c) => c.categoryId === ids.blue)!.thresholdSource).toBe('pack');
  });
});
