/**
 * Multi-selection with the real mouse and keyboard: a marquee selects three boxes, one drag
 * moves them together and one Ctrl+Z puts all three back (read through RPC, as stored);
 * Shift+click and Ctrl+A; paste at the mouse; hide and lock keep an annotation from being
 * selected or moved; the right-click menu; iscrowd by its key.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';
import { readDb } from './support/db';

type Box = [number, number, number, number];

test('multi-select: marquee, group move and one undo, paste at the mouse, hide, lock, menu', async ({ app, workspace }) => {
  const { page } = app;
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'a.png'), 400, 300, [
    { color: 'red', x: 40, y: 40, size: 40 },
    { color: 'red', x: 120, y: 40, size: 40 },
    { color: 'blue', x: 200, y: 40, size: 40 },
    { color: 'blue', x: 300, y: 200, size: 50 },
  ]);
  const project = join(workspace.dir, 'p.lw');
  await app.start.createProject(project);
  await app.start.addFolder(images);
  await app.waitForTestApi();
  const boxes: Box[] = [
    [40, 40, 40, 40],
    [120, 40, 40, 40],
    [200, 40, 40, 40],
    [300, 200, 50, 50],
  ];
  await page.evaluate(async (boxes) => {
    const api = window.__labelwright!;
    await api.call('categories.add', { name: 'red' });
    await api.call('categories.add', { name: 'blue' });
    await api.call('annotations.apply', {
      imageId: 1,
      changes: boxes.map((bbox, i) => ({ op: 'create' as const, categoryId: i < 2 ? 1 : 2, bbox })),
    });
  }, boxes);
  await app.images.show();
  await app.images.open('a.png');
  await app.editor.waitForImage();
  const [a, b, c, d] = (await app.editor.state()).annotations.map((x) => x.id);
  /** The image's boxes as the server stores them, by id. */
  const stored = async () =>
    new Map(
      (await page.evaluate(() => window.__labelwright!.call('images.get', { id: 1 }))).annotations.map((x) => [
        x.id,
        x.bbox,
      ]),
    );
  const selection = async () => [...(await app.editor.state()).selectedIds].sort((x, y) => x - y);

  await test.step('a marquee on empty canvas selects the three boxes it covers', async () => {
    await app.editor.press('v');
    await app.editor.stroke([20, 20], [260, 100]);
    expect(await selection()).toEqual([a, b, c]);
    await expect(page.getByTestId('selection-count')).toContainText('3 selected');
    await app.screenshot('editor-multi-select', true);
  });

  await test.step('one drag moves all three; one Ctrl+Z puts all three back', async () => {
    const undoBefore = (await app.editor.state()).history.undo;
    await app.editor.dragBy(b, 30, 50);
    await app.editor.waitForIdle();
    let now = await stored();
    // The mouse moves in screen pixels: the offset is about (30, 50) image pixels, and the same for all three.
    const [dx, dy] = [now.get(a)![0] - 40, now.get(a)![1] - 40];
    expect(dx).toBeCloseTo(30, 0);
    expect(dy).toBeCloseTo(50, 0);
    const moved = (box: Box) => [box[0] + dx, box[1] + dy, box[2], box[3]].map((v) => Math.round(v * 100) / 100);
    expect([now.get(a), now.get(b), now.get(c), now.get(d)]).toEqual([...boxes.slice(0, 3).map(moved), boxes[3]]);
    expect((await app.editor.state()).history.undo).toBe(undoBefore + 1);
    await app.editor.press('Control+z');
    await app.editor.waitForIdle();
    now = await stored();
    expect([now.get(a), now.get(b), now.get(c), now.get(d)]).toEqual(boxes);
    expect(await selection()).toEqual([a, b, c]);
  });

  await test.step('Shift+click adds and removes one; Ctrl+A selects all', async () => {
    await app.editor.shiftClick(d);
    expect(await selection()).toEqual([a, b, c, d]);
    await app.editor.shiftClick(a);
    expect(await selection()).toEqual([b, c, d]);
    await app.editor.clickAt(380, 10); // empty canvas: clears
    expect(await selection()).toEqual([]);
    await app.editor.press('Control+a');
    expect(await selection()).toEqual([a, b, c, d]);
  });

  await test.step('Ctrl+C, Ctrl+V pastes centred at the mouse', async () => {
    await app.editor.select(a);
    await app.editor.press('Control+c');
    await app.editor.hover(300, 120);
    await app.editor.press('Control+v');
    await app.editor.waitForIdle();
    const pasted = [...(await stored()).entries()].filter(([id]) => ![a, b, c, d].includes(id));
    expect(pasted.map(([, box]) => box)).toEqual([[280, 100, 40, 40]]);
    expect((await app.editor.state()).selectedIds).toEqual([pasted[0][0]]);
  });

  await test.step('a hidden box cannot be selected or moved; H with nothing selected shows it', async () => {
    await app.editor.select(b);
    await app.editor.press('h');
    await expect(app.editor.row(b)).toHaveAttribute('data-hidden', 'true');
    expect(await selection()).toEqual([]);
    await app.editor.clickAt(140, 60);
    expect(await selection()).toEqual([]);
    await app.editor.stroke([140, 60], [180, 120]);
    await app.editor.waitForIdle();
    expect((await stored()).get(b)).toEqual(boxes[1]);
    await app.editor.clickAt(380, 10);
    await app.editor.press('h');
    await expect(app.editor.row(b)).not.toHaveAttribute('data-hidden', 'true');
  });

  await test.step('a locked box (L, or the padlock) cannot be selected or moved', async () => {
    await app.editor.select(c);
    await app.editor.press('l');
    await expect(app.editor.row(c)).toHaveAttribute('data-locked', 'true');
    // No hover outline (it cannot be selected), and the cursor says so; a free one gets both.
    const canvas = page.getByTestId('editor-canvas');
    await app.editor.hover(220, 60);
    await expect(canvas).toHaveCSS('cursor', 'not-allowed');
    expect((await app.editor.state()).hoverId).toBeNull();
    await app.editor.hover(60, 60);
    await expect(canvas).toHaveCSS('cursor', 'move');
    expect((await app.editor.state()).hoverId).toBe(a);
    await app.editor.clickAt(220, 60);
    expect(await selection()).toEqual([]);
    await app.editor.stroke([220, 60], [250, 150]);
    await app.editor.waitForIdle();
    expect((await stored()).get(c)).toEqual(boxes[2]);
    await app.editor.row(a).getByTestId('ann-lock').click();
    await app.editor.press('Control+a');
    expect(await selection()).not.toContain(a);
    expect(await selection()).not.toContain(c);
    // Unlocked from the list, it moves again.
    await app.editor.row(c).getByTestId('ann-lock').click();
    await app.editor.dragBy(c, 10, 0);
    await app.editor.waitForIdle();
    const [x, y] = (await stored()).get(c)!;
    expect(x).toBeCloseTo(210, 0);
    expect(y).toBeCloseTo(40, 0);
  });

  await test.step('a hidden category: its boxes are not drawn or selectable until shown again', async () => {
    await page.getByTestId('cat-hide-1').click();
    await expect(app.editor.row(a)).toHaveAttribute('data-hidden', 'true');
    await app.editor.press('Control+a');
    expect(await selection()).not.toContain(b);
    await page.getByTestId('cat-hide-1').click();
    await expect(app.editor.row(b)).not.toHaveAttribute('data-hidden', 'true');
  });

  await test.step('iscrowd from the list; the ? overlay lists the new keys', async () => {
    await app.editor.row(b).getByTestId('ann-crowd').click();
    await app.editor.waitForIdle();
    expect((await app.editor.state()).annotations.find((x) => x.id === b)?.iscrowd).toBe(true);
    await app.editor.press('?');
    const help = page.getByTestId('help-overlay');
    for (const text of ['Select all', 'Hide selected', 'Lock selected', 'Toggle iscrowd', 'Draw selected in front'])
      await expect(help).toContainText(text);
    await app.screenshot('help-selection-keys');
    await app.editor.press('Escape');
    await expect(help).toBeHidden();
  });

  await test.step('right-click menu: it has the keyboard, nothing acts behind it, it closes after each action', async () => {
    const menu = page.getByTestId('context-menu');
    const undoBefore = (await app.editor.state()).history.undo;
    await app.editor.rightClick(b);
    await expect(menu).toBeVisible();
    expect(await selection()).toEqual([b]);
    // Editor keys do nothing while it is open: no nudge, no tool, no undo.
    for (const k of ['ArrowRight', 'r', 'Control+z', 'd']) await app.editor.press(k);
    await app.editor.waitForIdle();
    await expect(menu).toBeVisible();
    expect((await stored()).get(b)).toEqual(boxes[1]);
    expect((await app.editor.state()).tool).toBe('select');
    expect((await app.editor.state()).history.undo).toBe(undoBefore);
    await app.editor.press('Escape');
    await expect(menu).toBeHidden();
    expect(await selection()).toEqual([b]);

    // Arrows move through the entries, Enter runs the focused one and closes the menu.
    await app.editor.rightClick(b);
    await app.editor.press('Home');
    for (let i = 0; i < 4; i++) await app.editor.press('ArrowDown');
    await expect(page.getByTestId('menu-ann.hide')).toBeFocused();
    await app.editor.press('Enter');
    await expect(menu).toBeHidden();
    await expect(app.editor.row(b)).toHaveAttribute('data-hidden', 'true');
    await app.editor.press('h'); // nothing selected: shows it again
    await expect(app.editor.row(b)).not.toHaveAttribute('data-hidden', 'true');

    // An entry's key runs that entry and closes the menu.
    await app.editor.rightClick(b);
    await app.editor.press('l');
    await expect(menu).toBeHidden();
    await expect(app.editor.row(b)).toHaveAttribute('data-locked', 'true');
    await app.editor.row(b).getByTestId('ann-lock').click();

    // A click outside closes it and reaches nothing behind (the selection stays).
    await app.editor.rightClick(b);
    await expect(menu).toBeVisible();
    await app.editor.clickAt(380, 290);
    await expect(menu).toBeHidden();
    expect(await selection()).toEqual([b]);
    expect((await app.editor.state()).history.undo).toBe(undoBefore);
  });

  await test.step('right-click menu: iscrowd and delete act on the clicked box', async () => {
    await app.editor.rightClick(d);
    await expect(page.getByTestId('context-menu')).toBeVisible();
    await page.getByTestId('menu-ann.crowd').click();
    await app.editor.waitForIdle();
    const crowd = readDb(project, (db) => db.prepare(`SELECT iscrowd FROM annotations WHERE id = ?`).get(d)) as {
      iscrowd: number;
    };
    expect(crowd.iscrowd).toBe(1);
    await app.editor.rightClick(d);
    await page.getByTestId('menu-box.delete').click();
    await app.editor.waitForIdle();
    expect((await stored()).has(d)).toBe(false);
    await expect(page.getByTestId('context-menu')).toBeHidden();
  });
});
