/**
 * The shape tools with the real mouse and keyboard: a polygon drawn vertex by vertex becomes
 * a COCO mask (area by the shoelace formula, in the database and in the COCO export); its
 * outline is edited by dragging a vertex, pressing on an edge (a new vertex) and Alt+clicking
 * a vertex (gone); Backspace takes back a vertex while drawing and Esc drops the draft; the brush starts a mask on an empty image and the
 * eraser takes part of it away; drawing tools stay active, and Ctrl selects in the box tool.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { writeSquares } from './support/images';
import { annotationsOf } from './support/db';
import { storedGeometry } from './support/masks';
import type { LabelwrightApp } from './pages/app';

/** The area of a polygon [x1, y1, ...] by the shoelace formula. */
function shoelace(xy: number[]): number {
  let s = 0;
  for (let i = 0; i < xy.length; i += 2) {
    const j = (i + 2) % xy.length;
    s += xy[i] * xy[j + 1] - xy[j] * xy[i + 1];
  }
  return Math.abs(s) / 2;
}

function within(actual: number, expected: number, fraction: number): void {
  expect(Math.abs(actual - expected) / expected, `${actual} vs ${expected}`).toBeLessThan(fraction);
}

async function setup(app: LabelwrightApp, dir: string) {
  const images = join(dir, 'images');
  mkdirSync(images);
  await writeSquares(join(images, 'a.png'), 400, 300, [{ color: 'red', x: 150, y: 100, size: 90 }]);
  await writeSquares(join(images, 'b.png'), 400, 300, []);
  const project = join(dir, 'p.lw');
  await app.start.createProject(project);
  await app.start.addFolder(images);
  await app.waitForTestApi();
  await app.page.evaluate(async () => {
    await window.__labelwright!.call('categories.add', { name: 'thing' });
  });
  await app.images.show();
  return project;
}

// A hexagon around the red square, at fractional image coordinates.
const HEXAGON = [195.5, 62.3, 262.4, 101.7, 258.8, 181.2, 192.6, 222.9, 131.3, 178.5, 128.9, 104.4];

test('polygon: draw six vertices, close, export; drag a vertex', async ({ app, workspace }) => {
  const { page } = app;
  const project = await setup(app, workspace.dir);
  await app.images.open('a.png');
  await app.editor.waitForImage();

  let id = 0;
  await test.step('six clicks and a click on the first vertex make one mask annotation', async () => {
    await app.editor.drawPolygon(HEXAGON);
    await app.editor.waitForIdle();
    const rows = annotationsOf(project, 1);
    expect(rows).toHaveLength(1);
    id = rows[0].id;
    const g = storedGeometry(project, id);
    expect(g.maskArea).not.toBeNull();
    within(g.maskArea!, shoelace(HEXAGON), 0.01);
    expect(g.area).toBe(g.maskArea);
    expect(g.bbox).toEqual(g.maskBox); // the box follows the mask
    const s = await app.editor.state();
    expect(s.tool).toBe('polygon'); // sticky: the next polygon needs no P
    expect(s.history.undo).toBe(1);
  });

  await test.step('the COCO export has it, as RLE with the same area', async () => {
    const out = join(workspace.dir, 'export.json');
    await page.evaluate((path) => window.__labelwright!.call('export.coco', { path }), out);
    const coco = JSON.parse(readFileSync(out, 'utf8')) as {
      annotations: { area: number; bbox: number[]; segmentation: { size: number[]; counts: string } }[];
    };
    expect(coco.annotations).toHaveLength(1);
    const [a] = coco.annotations;
    expect(a.segmentation.size).toEqual([300, 400]);
    expect(a.segmentation.counts).toBe(storedGeometry(project, id).rle);
    within(a.area, shoelace(HEXAGON), 0.01);
  });

  await test.step('README screenshot: the outline with its vertices, and a second polygon being drawn', async () => {
    await app.editor.drawPolygon([300, 40, 370, 60, 360, 130], false);
    const p = await page.evaluate(() => window.__labelwright!.toClient(320, 150));
    await page.mouse.move(p.x, p.y);
    await app.screenshot('polygon-tool', true);
    await app.editor.press('Escape'); // drops the draft, nothing else
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 1)).toHaveLength(1);
    expect((await app.editor.state()).selectedId).not.toBeNull();
  });

  await test.step('dragging one vertex changes the area as the moved polygon says', async () => {
    const before = storedGeometry(project, id).maskArea!;
    // The right-hand vertex, 50 px further right: the hexagon grows by a triangle.
    const moved = HEXAGON.slice();
    moved[2] += 50;
    moved[3] += 10;
    const from = await page.evaluate(([x, y]) => window.__labelwright!.toClient(x, y), [HEXAGON[2], HEXAGON[3]] as const);
    const to = await page.evaluate(([x, y]) => window.__labelwright!.toClient(x, y), [moved[2], moved[3]] as const);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    await page.mouse.up();
    await app.editor.waitForIdle();
    const g = storedGeometry(project, id);
    within(g.maskArea!, shoelace(moved), 0.01);
    expect(g.maskArea! - before).toBeGreaterThan(0.5 * (shoelace(moved) - shoelace(HEXAGON)));
    expect(g.bbox).toEqual(g.maskBox);
    expect(g.maskBox![0] + g.maskBox![2]).toBeGreaterThan(HEXAGON[2] + 45); // the box followed the vertex
    expect((await app.editor.state()).history.undo).toBe(2);
  });
});

test('polygon keys and outline edits: Backspace, Esc, click an edge, Alt+click a vertex', async ({ app, workspace }) => {
  const project = await setup(app, workspace.dir);
  await app.images.open('b.png');
  await app.editor.waitForImage();
  const areaOf = (id: number) => storedGeometry(project, id).maskArea!;

  let rect = 0;
  await test.step('Backspace takes back the last vertex', async () => {
    // A stray fourth vertex, taken back, then the real one: the rectangle 200 × 140.
    await app.editor.drawPolygon([100, 80, 300, 80, 300, 220, 250, 150], false);
    await app.editor.press('Backspace');
    await app.editor.clickAt(100, 220);
    await app.editor.clickAt(100, 80);
    await app.editor.waitForIdle();
    const rows = annotationsOf(project, 2);
    expect(rows).toHaveLength(1);
    rect = rows[0].id;
    within(areaOf(rect), 200 * 140, 0.01);
    expect((await app.editor.state()).history.undo).toBe(1);
  });

  await test.step('Esc drops the polygon being drawn; the next click starts a new one', async () => {
    await app.editor.drawPolygon([320, 20, 390, 20, 390, 60], false);
    await app.editor.press('Escape');
    await app.editor.waitForIdle();
    expect(annotationsOf(project, 2)).toHaveLength(1);
    expect((await app.editor.state()).tool).toBe('polygon');
    const triangle = [310, 230, 395, 230, 395, 295];
    await app.editor.drawPolygon(triangle);
    await app.editor.waitForIdle();
    const rows = annotationsOf(project, 2);
    expect(rows).toHaveLength(2);
    within(areaOf(rows.find((r) => r.id !== rect)!.id), shoelace(triangle), 0.02);
  });

  await test.step('a press on an edge inserts a vertex, dragged out', async () => {
    await app.editor.press('v');
    await app.editor.clickAt(200, 150);
    expect((await app.editor.state()).selectedId).toBe(rect);
    await app.editor.press('p');
    await app.editor.stroke([200, 80], [200, 30]); // the middle of the top edge, 50 px up
    await app.editor.waitForIdle();
    within(areaOf(rect), shoelace([100, 80, 200, 30, 300, 80, 300, 220, 100, 220]), 0.01);
    expect((await app.editor.state()).history.undo).toBe(3);
  });

  await test.step('Alt+click deletes a vertex, the inserted one too; undo brings them back', async () => {
    await app.editor.clickAt(300, 220, { alt: true });
    await app.editor.waitForIdle();
    within(areaOf(rect), shoelace([100, 80, 200, 30, 300, 80, 100, 220]), 0.01);
    await app.editor.clickAt(200, 30, { alt: true });
    await app.editor.waitForIdle();
    within(areaOf(rect), shoelace([100, 80, 300, 80, 100, 220]), 0.01);
    expect(annotationsOf(project, 2)).toHaveLength(2); // no click started a polygon
    // Two quick Alt+clicks are no double-click on the annotation: no label popup takes the keys.
    await expect(app.page.getByPlaceholder('Label…')).toHaveCount(0);
    await app.editor.press('Control+z');
    await app.editor.press('Control+z');
    await app.editor.waitForIdle();
    within(areaOf(rect), shoelace([100, 80, 200, 30, 300, 80, 300, 220, 100, 220]), 0.01);
  });
});

test('brush starts a mask on an empty image, the eraser removes part of it', async ({ app, workspace }) => {
  const project = await setup(app, workspace.dir);
  await app.images.open('b.png');
  const s0 = await app.editor.waitForImage();
  expect(s0.annotations).toHaveLength(0);

  await app.editor.press('b');
  await app.editor.press(']'); // 12 → 16 px
  await app.editor.press(']'); // → 21 px
  await app.editor.stroke([100, 150], [300, 150]);
  await app.editor.waitForIdle();
  const rows = annotationsOf(project, 2);
  expect(rows).toHaveLength(1);
  const g = storedGeometry(project, rows[0].id);
  // A 200 px stroke of a 21 px brush: about 200 × 21 plus the round ends.
  expect(g.maskArea!).toBeGreaterThan(200 * 19);
  expect(g.maskArea!).toBeLessThan(222 * 23);
  expect(g.bbox).toEqual(g.maskBox);
  expect((await app.editor.state()).selectedId).not.toBeNull();

  await app.editor.press('e');
  await app.editor.press(']'); // a wider eraser (26 px) across the middle
  await app.editor.stroke([200, 100], [200, 200]);
  await app.editor.waitForIdle();
  const after = storedGeometry(project, rows[0].id);
  expect(after.maskArea!).toBeLessThan(g.maskArea! - 24 * 19);
  expect(after.maskArea!).toBeGreaterThan(g.maskArea! - 28 * 23);
  expect(after.bbox).toEqual(after.maskBox);
  expect((await app.editor.state()).history.undo).toBe(2); // one step per stroke
  await app.editor.press('Control+z');
  await app.editor.waitForIdle();
  expect(storedGeometry(project, rows[0].id).maskArea).toBe(g.maskArea);
});

test('tools stay active; Ctrl in the box tool selects and moves', async ({ app, workspace }) => {
  const { page } = app;
  const project = await setup(app, workspace.dir);
  await app.images.open('b.png');
  await app.editor.waitForImage();
  await app.editor.drawBox(20, 20, 80, 80);
  await app.editor.stroke([120, 20], [180, 90]); // no R: the box tool is still on
  await app.editor.waitForIdle();
  expect(annotationsOf(project, 2)).toHaveLength(2);
  const first = annotationsOf(project, 2)[0];

  // The cursor says which tool a press would use: Ctrl held turns the crosshair into Select's.
  const canvas = page.getByTestId('editor-canvas');
  await app.editor.hover(50, 50);
  await expect(canvas).toHaveCSS('cursor', 'crosshair');
  await page.keyboard.down('Control');
  await expect(canvas).toHaveCSS('cursor', 'move');
  await app.editor.hover(300, 250);
  await expect(canvas).toHaveCSS('cursor', 'default');
  await app.editor.stroke([50, 50], [70, 150]);
  await page.keyboard.up('Control');
  await expect(canvas).toHaveCSS('cursor', 'crosshair');
  await app.editor.waitForIdle();
  const rows = annotationsOf(project, 2);
  expect(rows).toHaveLength(2);
  const moved = rows.find((r) => r.id === first.id)!;
  expect(Math.abs(moved.x - 40)).toBeLessThan(1.5);
  expect(Math.abs(moved.y - 120)).toBeLessThan(1.5);
  expect((await app.editor.state()).tool).toBe('box');

  await app.editor.press('?');
  await expect(page.getByTestId('help-overlay')).toContainText('Polygon');
  await page.getByTestId('sticky-tools').uncheck();
  await app.editor.press('Escape');
  await app.editor.drawBox(200, 150, 260, 220);
  expect((await app.editor.state()).tool).toBe('select');
});
