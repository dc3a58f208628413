/**
 * The editor toolbar at a laptop-sized window (1280×800): every control is on screen, none
 * hidden behind a scroll edge or under another, with the widest tool options showing (the
 * brush size slider, a long category name), and Reviewed takes a real click.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';
import { imageStatus } from './support/db';

/** Each toolbar control that is not fully inside the window and the toolbar's visible box, or is covered at its centre. */
async function unreachable(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bar = document.querySelector('.editor-toolbar') as HTMLElement;
    const r = bar.getBoundingClientRect();
    const out: string[] = [];
    if (bar.scrollWidth > bar.clientWidth + 1) out.push(`toolbar scrolls: ${bar.scrollWidth} > ${bar.clientWidth}`);
    for (const el of bar.querySelectorAll<HTMLElement>('button, select, input')) {
      const b = el.getBoundingClientRect();
      const name = el.dataset.testid ?? el.title ?? el.textContent ?? el.tagName;
      if (b.width === 0 || b.height === 0) continue; // not rendered for this tool
      const inside = b.left >= Math.max(0, r.left) - 0.5 && b.right <= Math.min(window.innerWidth, r.right) + 0.5 && b.top >= r.top - 0.5 && b.bottom <= r.bottom + 0.5;
      const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      if (!inside) out.push(`${name}: outside (${Math.round(b.left)}–${Math.round(b.right)} of ${Math.round(r.left)}–${Math.round(Math.min(window.innerWidth, r.right))})`);
      else if (!hit || !(hit === el || el.contains(hit) || (el.tagName === 'INPUT' && hit.contains(el)))) out.push(`${name}: covered`);
    }
    return out;
  });
}

/** Status bar items cut off at its top or bottom edge (an item that wrapped to two lines is). */
async function clippedStatus(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bar = document.querySelector('.statusbar') as HTMLElement;
    const r = bar.getBoundingClientRect();
    return [...bar.querySelectorAll<HTMLElement>(':scope > span')]
      .filter((el) => {
        const b = el.getBoundingClientRect();
        return b.top < r.top - 0.5 || b.bottom > r.bottom + 0.5;
      })
      .map((el) => el.textContent ?? '');
  });
}

/** How many rows the toolbar's controls sit on. */
async function toolbarRows(page: Page): Promise<number> {
  return page.evaluate(() => {
    const tops = [...document.querySelectorAll<HTMLElement>('.editor-toolbar button')].map((el) => Math.round(el.getBoundingClientRect().top / 10));
    return new Set(tops).size;
  });
}

test('editor toolbar at 1280×800: every control reachable, Reviewed clickable', async ({ app, workspace }) => {
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 800 });
  const images = join(workspace.dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'a.png'), 640, 480, [{ color: 'red', x: 50, y: 50, size: 60 }]);
  await writeSquares(join(images, 'b.png'), 640, 480, [{ color: 'blue', x: 200, y: 100, size: 60 }]);
  const project = join(workspace.dir, 'p.lw');
  await app.start.createProject(project);
  await app.start.addFolder(images);
  await app.waitForTestApi();
  await page.evaluate(async () => {
    const api = window.__labelwright!;
    await api.call('categories.add', { name: 'construction vehicle with trailer' });
    await api.call('categories.add', { name: 'person' });
  });
  await app.images.show();
  await app.images.open('a.png');
  await app.editor.waitForImage();

  await test.step('with the select tool; the status bar keeps its items on one line', async () => {
    expect(await unreachable(page)).toEqual([]);
    expect(await clippedStatus(page)).toEqual([]);
  });

  await test.step('with the brush tool (its size slider shows)', async () => {
    await page.getByTestId('tool-brush').click();
    await expect(page.locator('.editor-toolbar input[type=range]')).toHaveCount(3);
    expect(await unreachable(page)).toEqual([]);
    await app.screenshot('toolbar-1280-brush');
    await page.getByTestId('tool-select').click();
  });

  await test.step('Reviewed: visible, and a real click marks the image and moves on', async () => {
    const reviewed = page.getByTestId('mark-reviewed');
    await expect(reviewed).toBeVisible();
    await expect(reviewed).toBeInViewport({ ratio: 1 });
    await app.screenshot('toolbar-1280');
    const b = (await reviewed.boundingBox())!;
    // The mouse at the button's place, not Playwright's scroll-into-view: what a person can reach.
    await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
    await expect.poll(() => imageStatus(project, 1)).toBe('reviewed');
    await expect.poll(async () => (await app.editor.state()).imageId).toBe(2);
  });

  await test.step('a wide window keeps the toolbar on one row', async () => {
    await page.setViewportSize({ width: 1920, height: 1000 });
    await expect.poll(() => toolbarRows(page)).toBe(1);
    expect(await unreachable(page)).toEqual([]);
  });
});
