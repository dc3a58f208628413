/**
 * Impossible to lose work: the connection to the host drops (an SSH tunnel going down)
 * while the person keeps editing. The page says so, keeps the edits, and saves them when
 * the connection is back.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { annotationsOf } from './support/db';
import { writeSquares } from './support/images';
import { startProxy } from './support/proxy';

test('edits made while the connection is down are saved when it is back', async ({
  app,
  host,
  workspace,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'browser', 'browser host only');
  const { page } = app;
  const proxy = await startProxy(Number(new URL(host!.origin).port));
  try {
    await page.goto(proxy.url(host!.url));
    const images = join(workspace.dir, 'images');
    mkdirSync(images);
    await writeSquares(join(images, 'a.png'), 300, 200, [{ color: 'red', x: 30, y: 30, size: 40 }]);
    const project = join(workspace.dir, 'p.lw');
    await app.start.createProject(project);
    await app.start.addFolder(images);
    await app.waitForTestApi();
    await page.evaluate(async () => {
      const api = window.__labelwright!;
      await api.call('categories.add', { name: 'red' });
      await api.call('annotations.apply', {
        imageId: 1,
        changes: [{ op: 'create', categoryId: 1, bbox: [30, 30, 40, 40] }],
      });
    });
    await app.images.show();
    await app.images.open('a.png');
    const s = await app.editor.waitForImage();
    const id = s.annotations[0].id;
    await app.editor.select(id);

    proxy.cut();
    await expect(page.getByTestId('reconnecting')).toBeVisible();
    await app.editor.press('ArrowRight');
    await app.editor.press('ArrowRight');
    await app.editor.drawBox(150, 100, 200, 150);
    expect((await app.editor.state()).annotations.filter((a) => a.state === 'accepted')).toHaveLength(2);
    expect(annotationsOf(project, 1)).toHaveLength(1); // nothing reached the host yet
    await expect(page.getByTestId('save-state')).toHaveText('Saving…');

    proxy.restore();
    await expect(page.getByTestId('reconnecting')).toBeHidden({ timeout: 15_000 });
    await app.editor.waitForIdle();
    const rows = annotationsOf(project, 1);
    expect(rows.map((r) => [r.x, r.y, r.w, r.h])).toEqual([
      [32, 30, 40, 40],
      [expect.closeTo(150, 0), expect.closeTo(100, 0), expect.closeTo(50, 0), expect.closeTo(50, 0)],
    ]);
    await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
    // and undo still works on the saved steps
    await app.editor.press('Control+z');
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 1)).toHaveLength(1);
  } finally {
    await proxy.close();
  }
});
