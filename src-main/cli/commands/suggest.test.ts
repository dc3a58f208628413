/**
 * Pix2seq through the CLI binary: `predict` geometry and decoding flags, `suggest` ranks for a
 * drawn box, `models list`, and a pre-labeling job (geometry, and a bad image the job goes past).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../testing/cli';
import { useTmp } from '../../testing/tmp';
import { BLUE, iouXywh, plantedImage, RED } from '../../testing/planted-images';

const tmp = useTmp();

async function image(dir: string, name: string, w: number, h: number, rects: Parameters<typeof plantedImage>[2]): Promise<string> {
  const f = join(dir, name);
  writeFileSync(f, await plantedImage(w, h, rects));
  return f;
}

describe('labelwright predict with a Pix2seq pack', () => {
  it('finds a red rectangle as red, in landscape, portrait and odd-sized images', async () => {
    const d = tmp();
    const cases: [number, number, number, number, number, number][] = [
      [640, 427, 300, 100, 128, 128],
      [375, 667, 40, 500, 120, 90],
      [517, 333, 389, 205, 128, 128],
    ];
    for (const [W, H, x, y, w, h] of cases) {
      const f = await image(d, `r${W}x${H}.png`, W, H, [{ x, y, w, h, colour: RED }]);
      const r = runCli(['--json', 'predict', 'pix2seq-fixture', f, '--categories', 'red,blue']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json).toMatchObject({ pack: 'pix2seq-fixture', kind: 'pix2seq', width: W, height: H, masks: [] });
      expect(r.json.detections).toHaveLength(1);
      expect(r.json.detections[0]).toMatchObject({ categoryId: 1, phrase: 'red' });
      expect(iouXywh(r.json.detections[0].bbox, [x, y, w, h])).toBeGreaterThanOrEqual(0.9);
    }
  }, 120_000);

  it('takes --decoding, --seed and --threshold, reports classes not asked for, and refuses bad values', async () => {
    const d = tmp();
    const f = await image(d, 'two.png', 400, 300, [
      { x: 20, y: 30, w: 100, h: 80, colour: RED },
      { x: 250, y: 150, w: 90, h: 120, colour: BLUE },
    ]);
    const greedy = runCli(['--json', 'predict', 'pix2seq-fixture', f, '--categories', 'red', '--decoding', 'greedy']);
    expect(greedy.code, greedy.stderr).toBe(0);
    expect(greedy.json.detections.map((x: { phrase: string }) => x.phrase)).toEqual(['red']);
    expect(greedy.json.unmatched).toEqual({ blue: 1 });
    const seeded = runCli(['--json', 'predict', 'pix2seq-fixture', f, '--categories', 'red', '--seed', '12']);
    expect(seeded.json.detections).toEqual(greedy.json.detections);
    // The fixture's scores are about 0.99: a threshold above that drops everything.
    expect(runCli(['--json', 'predict', 'pix2seq-fixture', f, '--categories', 'red', '--threshold', '0.999']).json.detections).toEqual([]);
    const human = runCli(['predict', 'pix2seq-fixture', f, '--categories', 'red']);
    expect(human.stdout).toMatch(/1 detection\b/);
    expect(human.stdout).toContain('found but not asked for (dropped): blue ×1');

    const bad = runCli(['predict', 'pix2seq-fixture', f, '--categories', 'red', '--decoding', 'beam']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--decoding beam is not greedy or nucleus');
    expect(runCli(['predict', 'pix2seq-fixture', f, '--categories', 'red', '--seed', '-1']).code).toBe(2);
  }, 120_000);
});

describe('labelwright suggest', () => {
  it('ranks red first for a box drawn around a red square', async () => {
    const d = tmp();
    const f = await image(d, 'sq.png', 501, 377, [
      { x: 60, y: 70, w: 128, h: 128, colour: RED },
      { x: 300, y: 200, w: 150, h: 100, colour: BLUE },
    ]);
    const r = runCli(['--json', 'suggest', 'pix2seq-fixture', f, '--box', '57,72,133,125', '--categories', 'blue,red']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.suggestions[0]).toMatchObject({ categoryId: 2, name: 'red' });
    expect(r.json.suggestions[0].probability).toBeGreaterThan(0.5);
    expect(r.json.suggestions).toHaveLength(2);

    const blue = runCli(['--json', 'suggest', 'pix2seq-fixture', f, '--box', '300,200,150,100']);
    expect(blue.json.suggestions.map((s: { name: string }) => s.name)[0]).toBe('blue');
    expect(blue.json.suggestions).toHaveLength(3);

    const human = runCli(['suggest', 'pix2seq-fixture', f, '--box', '57,72,133,125']);
    expect(human.stdout).toMatch(/1\s+red\s+0\.9\d\d/);
  }, 120_000);

  it('refuses a malformed box, and a pack kind that cannot suggest', async () => {
    const d = tmp();
    const f = await image(d, 'a.png', 100, 100, []);
    const bad = runCli(['suggest', 'pix2seq-fixture', f, '--box', '1,2,3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--box 1,2,3 is not four numbers x,y,w,h');
    expect(runCli(['suggest', 'pix2seq-fixture', f, '--box', '1,2,0,4']).code).toBe(2);
    const glip = runCli(['suggest', 'glip-fixture', f, '--box', '1,2,30,40']);
    expect(glip.code).toBe(2);
    expect(glip.stderr).toContain('glip-fixture is a glip pack, which cannot suggest categories for a box');
  }, 60_000);
});

describe('Pix2seq packs elsewhere in the CLI', () => {
  it('models list shows the fixture pack', () => {
    const r = runCli(['--json', 'models', 'list']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.packs.find((p: { id: string }) => p.id === 'pix2seq-fixture')).toMatchObject({ kind: 'pix2seq' });
  });

  it('a pre-labeling job writes the boxes, maps classes to categories by name or prompt, and goes past a bad image', async () => {
    const d = tmp();
    const dir = join(d, 'img');
    mkdirSync(dir);
    await image(dir, 'a.png', 320, 240, [{ x: 40, y: 50, w: 100, h: 80, colour: RED }]);
    await image(dir, 'b.png', 240, 320, [{ x: 100, y: 150, w: 90, h: 120, colour: BLUE }]);
    const p = join(d, 'p.lw');
    expect(runCli(['init', p]).code).toBe(0);
    expect(runCli(['add', p, dir]).code).toBe(0);
    // `tomato` matches the class `red` by its prompt; `blue` has no category.
    expect(runCli(['categories', p, 'add', 'tomato']).code).toBe(0);
    expect(runCli(['categories', p, 'set', 'tomato', '--prompt', 'RED']).code).toBe(0);
    // An image that stops decoding after it was added.
    writeFileSync(join(dir, 'b.png'), Buffer.from('no longer a PNG'));
    const job = runCli(['--json', 'prelabel', p, '--pack', 'pix2seq-fixture']);
    expect(job.json, job.stderr).toMatchObject({ state: 'done', done: 1, failed: 1 });
    expect(job.json.failures[0].error).toContain('b.png');

    const out = join(d, 'out.json');
    expect(runCli(['export', 'coco', p, out, '--include-pending']).code).toBe(0);
    const coco = JSON.parse(readFileSync(out, 'utf8'));
    expect(coco.annotations).toHaveLength(1);
    expect(coco.categories.find((c: { id: number }) => c.id === coco.annotations[0].category_id).name).toBe('tomato');
    expect(iouXywh(coco.annotations[0].bbox, [40, 50, 100, 80])).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('with GroupViT and --fuse, each Pix2seq box takes its class mask cut to the box', async () => {
    const d = tmp();
    const dir = join(d, 'img');
    mkdirSync(dir);
    const square = { x: 150, y: 90, w: 128, h: 128 };
    await image(dir, 'square.png', 480, 320, [{ ...square, colour: RED }]);
    const p = join(d, 'p.lw');
    expect(runCli(['init', p]).code).toBe(0);
    expect(runCli(['add', p, dir]).code).toBe(0);
    const r = runCli(['--json', 'prelabel', p, '--pack', 'pix2seq-fixture', '--pack', 'groupvit-fixture', '--categories', 'red,blue', '--fuse']);
    expect(r.json, r.stderr).toMatchObject({ state: 'done', done: 1, failed: 0 });
    const out = join(d, 'out.json');
    expect(runCli(['export', 'coco', p, out, '--include-pending']).code).toBe(0);
    const coco = JSON.parse(readFileSync(out, 'utf8'));
    expect(coco.annotations).toHaveLength(1);
    const a = coco.annotations[0];
    expect(a.segmentation).toBeTruthy();
    expect(a.area).toBeGreaterThan(0.9 * square.w * square.h);
    expect(a.area).toBeLessThanOrEqual(1.05 * square.w * square.h);
    expect(iouXywh(a.bbox, [square.x, square.y, square.w, square.h])).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});
