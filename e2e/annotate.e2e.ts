/**
 * The workflow as a person does it: create a project, add the sample folder, define
 * categories, pre-label everything with the fixture GLIP, correct one image (accept, drag,
 * undo/redo, reject, draw, relabel, review), export COCO. State is checked in the
 * database (read-only) and in the exported file, not only on screen.
 */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { annotation, annotationsOf, bboxOf, imageStatus, readDb } from './support/db';
import { writeSquares } from './support/images';
import { REPO } from './support/host';

const SYNTH = 'synthetic-red-blue.png';

test('annotate: pre-label, correct, undo, review, export', async ({ app, workspace }) => {
  const { page } = app;
  const project = join(workspace.dir, 'project.lw');
  const images = join(workspace.dir, 'images');
  cpSync(join(REPO, 'resources', 'samples'), images, { recursive: true });
  await writeSquares(join(images, SYNTH), 640, 480, [
    { color: 'red', x: 80, y: 100, size: 120 },
    { color: 'blue', x: 400, y: 250, size: 100 },
  ]);
  await writeSquares(join(images, 'synthetic-blue-only.png'), 320, 240, [
    { color: 'blue', x: 100, y: 60, size: 80 },
  ]);

  await test.step('1. create a project', async () => {
    await app.start.createProject(project);
    await app.waitForTestApi();
  });

  await test.step('2. add the sample folder', async () => {
    const added = await app.start.addFolder(images);
    expect(added).toBeGreaterThanOrEqual(6);
    await app.screenshot('start-screen', true);
  });

  await test.step('3. define the categories red and blue', async () => {
    await app.categories.show();
    await app.categories.add('red');
    await app.categories.add('blue');
    await app.categories.setColor('red', '#ff5a52');
    await app.categories.setColor('blue', '#4aa8ff');
  });
  const cat = readDb(project, (db) =>
    Object.fromEntries(
      (db.prepare(`SELECT name, id FROM categories`).all() as { name: string; id: number }[]).map((r) => [
        r.name,
        r.id,
      ]),
    ),
  );
  expect(Object.keys(cat).sort()).toEqual(['blue', 'red']);

  await test.step('4. pre-label all images', async () => {
    await app.prelabel.show();
    await app.prelabel.run(['glip-fixture'], 'unlabeled');
    await expect(page.getByTestId('job').first()).toHaveAttribute('data-state', 'done');
    await app.images.show();
    await expect(app.images.cell(SYNTH)).toBeVisible();
    await expect(app.images.cell(SYNTH).locator('.badge.pending')).toBeVisible();
    await app.screenshot('image-grid', true);
  });

  let imageId = 0;
  let red = 0;
  let blue = 0;
  let original: [number, number, number, number] = [0, 0, 0, 0];

  await test.step('5. open an image and see the pending boxes', async () => {
    await app.images.open(SYNTH);
    const s = await app.editor.waitForImage();
    imageId = s.imageId!;
    const pending = s.annotations.filter((a) => a.state === 'pending');
    const redBox = pending.find((a) => a.categoryId === cat.red);
    const blueBox = pending.find((a) => a.categoryId === cat.blue);
    expect(redBox, JSON.stringify(pending)).toBeTruthy();
    expect(blueBox, JSON.stringify(pending)).toBeTruthy();
    red = redBox!.id;
    blue = blueBox!.id;
    // The fixture model finds the red square where we drew it.
    expect(redBox!.bbox[0]).toBeGreaterThan(60);
    expect(redBox!.bbox[0]).toBeLessThan(100);
    await expect(page.getByTestId('annotation-row').filter({ hasText: 'pending' }).first()).toBeVisible();
    await app.editor.select(blue); // handles on the selected prediction
    await app.screenshot('editor-predictions', true);
  });

  await test.step('6. accept one, drag its corner, check the database', async () => {
    await app.editor.select(red);
    await app.editor.press('Enter');
    await app.editor.waitForIdle();
    expect(annotation(project, red)).toMatchObject({ state: 'accepted', source: 'model' });
    original = bboxOf(annotation(project, red)!);

    await app.editor.select(red);
    await app.editor.dragCorner(red, 'se', 30, 20);
    await app.editor.waitForIdle();
    const row = annotation(project, red)!;
    expect(row.source).toBe('model-edited');
    expect(row.x).toBeCloseTo(original[0], 1);
    expect(row.y).toBeCloseTo(original[1], 1);
    expect(Math.abs(row.w - (original[2] + 30))).toBeLessThan(1.5);
    expect(Math.abs(row.h - (original[3] + 20))).toBeLessThan(1.5);
    expect((await app.editor.state()).history.undo).toBe(2); // accept + one drag
  });

  await test.step('7. undo restores it, redo re-applies', async () => {
    const edited = bboxOf(annotation(project, red)!);
    await app.editor.press('Control+z');
    await app.editor.waitForIdle();
    expect(bboxOf(annotation(project, red)!)).toEqual(original);
    expect(annotation(project, red)).toMatchObject({ state: 'accepted', source: 'model' });
    await app.editor.press('Control+Shift+z');
    await app.editor.waitForIdle();
    expect(bboxOf(annotation(project, red)!)).toEqual(edited);
    expect(annotation(project, red)!.source).toBe('model-edited');
  });

  await test.step('8. reject another, draw a box by hand, label it with a digit', async () => {
    await app.editor.select(blue);
    await app.editor.press('Backspace');
    await app.editor.waitForIdle();
    expect(annotation(project, blue)!.state).toBe('rejected');

    await app.editor.drawBox(300, 40, 360, 110);
    await app.editor.waitForIdle();
    const humans = annotationsOf(project, imageId).filter((a) => a.source === 'human');
    expect(humans).toHaveLength(1);
    expect(humans[0].category_id).toBe(cat.red); // new boxes take the current category
    await app.editor.press('2');
    await app.editor.waitForIdle();
    const human = annotation(project, humans[0].id)!;
    expect(human.category_id).toBe(cat.blue);
    // Mouse positions are whole screen pixels: allow a pixel of zoom rounding.
    expect(Math.abs(human.x - 300)).toBeLessThan(1.5);
    expect(Math.abs(human.w - 60)).toBeLessThan(1.5);
  });

  await test.step('9. mark the image reviewed with Space', async () => {
    await app.editor.press('Space');
    await expect.poll(() => imageStatus(project, imageId)).toBe('reviewed');
    await expect.poll(async () => (await app.editor.state()).imageId).not.toBe(imageId);
  });

  await test.step('10. export COCO and check the file', async () => {
    await app.export.show();
    const preview = await app.export.preview();
    expect(preview.annotations).toBeGreaterThanOrEqual(2);
    const out = join(workspace.dir, 'export.coco.json');
    await app.export.write(out);
    const coco = JSON.parse(readFileSync(out, 'utf8')) as {
      images: { id: number; file_name: string; width: number; height: number }[];
      annotations: { image_id: number; category_id: number; bbox: number[] }[];
      categories: { id: number; name: string }[];
    };
    expect(coco.categories.map((c) => c.name).sort()).toEqual(['blue', 'red']);
    const img = coco.images.find((i) => i.file_name.endsWith(SYNTH))!;
    expect(img).toMatchObject({ width: 640, height: 480 });
    const anns = coco.annotations.filter((a) => a.image_id === img.id);
    const redName = coco.categories.find((c) => c.name === 'red')!.id;
    const blueName = coco.categories.find((c) => c.name === 'blue')!.id;
    const edited = bboxOf(annotation(project, red)!);
    expect(
      anns.some((a) => a.category_id === redName && a.bbox.every((v, i) => Math.abs(v - edited[i]) < 0.01)),
    ).toBe(true);
    expect(anns.some((a) => a.category_id === blueName && Math.abs(a.bbox[0] - 300) < 1.5)).toBe(true);
    expect(anns).toHaveLength(2); // the rejected prediction is not exported
    expect(preview.annotations).toBe(coco.annotations.length);
  });

  await test.step('correction report', async () => {
    await app.report.show();
    await expect(app.report.row('red')).toBeVisible();
    await expect(page.locator('[data-testid="report-model-row"][data-pack="glip-fixture"]')).toBeVisible();
    await app.screenshot('correction-report', true);
  });
});
