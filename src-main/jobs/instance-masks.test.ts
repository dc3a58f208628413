/**
 * `--masks sam|groupvit` through the CLI binary, with a detector, the sam pack and the
 * groupvit pack in one job: which pack's mask each detected box's annotation takes, what the
 * other pack leaves behind (predictions only), the refusals, bundle → work → merge, and the
 * mask-source report after people accepted, edited and rejected some masks.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Rle } from '../shared/contract';
import { rleArea, rleBbox, rleCrop, rleFromBbox, rleIou } from '../shared/masks';
import { runCli } from '../testing/cli';
import { BLUE, plantedImage, RED, type Rgb } from '../testing/planted-images';
import { serveProject } from '../testing/served-project';
import { useTmp } from '../testing/tmp';

const tmp = useTmp();
const WHITE = { r: 255, g: 255, b: 255 };
const PACKS = ['--pack', 'pix2seq-fixture', '--pack', 'sam-fixture', '--pack', 'groupvit-fixture', '--categories', 'red,blue'];

type Square = { x: number; y: number; w: number; h: number; colour: Rgb };
const SHAPES: Record<string, { w: number; h: number; rects: Square[] }> = {
  'a.png': { w: 640, h: 480, rects: [{ x: 60, y: 70, w: 160, h: 160, colour: RED }, { x: 380, y: 220, w: 150, h: 150, colour: BLUE }] },
  'b.png': { w: 360, h: 640, rects: [{ x: 100, y: 300, w: 140, h: 140, colour: RED }] },
  'c.png': { w: 640, h: 480, rects: [{ x: 90, y: 60, w: 170, h: 170, colour: RED }, { x: 360, y: 200, w: 160, h: 160, colour: BLUE }] },
  'd.png': { w: 480, h: 480, rects: [{ x: 150, y: 120, w: 180, h: 180, colour: BLUE }] },
};

async function project(names: string[]): Promise<{ d: string; p: string }> {
  const d = tmp();
  const dir = join(d, 'img');
  mkdirSync(dir);
  for (const name of names) writeFileSync(join(dir, name), await plantedImage(SHAPES[name].w, SHAPES[name].h, SHAPES[name].rects, { bg: WHITE }));
  const p = join(d, 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  expect(runCli(['add', p, dir]).code).toBe(0);
  return { d, p };
}

interface AnnRow {
  image: string;
  category: string;
  rle: string | null;
  width: number;
  height: number;
  pack: string;
  predRle: string | null;
  px: number;
  py: number;
  pw: number;
  ph: number;
  imageId: number;
  categoryId: number;
}

/** The project's working annotations with the pack whose prediction each one came from (read straight from the file). */
function annotations(p: string): AnnRow[] {
  const db = new Database(p, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT replace(i.path, rtrim(i.path, replace(i.path, '/', '')), '') AS image, c.name AS category, a.rle, i.width, i.height,
                r.pack_id AS pack, pr.rle AS predRle, pr.x AS px, pr.y AS py, pr.w AS pw, pr.h AS ph, a.image_id AS imageId, pr.category_id AS categoryId
         FROM annotations a JOIN images i ON i.id = a.image_id JOIN categories c ON c.id = a.category_id
         JOIN predictions pr ON pr.id = a.prediction_id JOIN runs r ON r.id = pr.run_id
         WHERE a.state != 'archived' ORDER BY image, category`,
      )
      .all() as AnnRow[];
  } finally {
    db.close();
  }
}

/** The masks a pack's runs recorded on an image, per category name. */
function recordedMasks(p: string, pack: string, image: string): { category: string; rle: string }[] {
  const db = new Database(p, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT c.name AS category, pr.rle FROM predictions pr JOIN runs r ON r.id = pr.run_id JOIN images i ON i.id = pr.image_id
         JOIN categories c ON c.id = pr.category_id WHERE r.pack_id = ? AND i.path LIKE ? AND pr.rle IS NOT NULL ORDER BY pr.id`,
      )
      .all(pack, `%/${image}`) as { category: string; rle: string }[];
  } finally {
    db.close();
  }
}

const square = (image: string, category: string) => SHAPES[image].rects.find((r) => (r.colour === RED ? 'red' : 'blue') === category)!;
const rleOf = (a: { rle: string | null; width: number; height: number }): Rle => ({ size: [a.height, a.width], counts: a.rle! });

/** Every square of `image` is one annotation whose mask came from SAM (the sam pack's prediction), IoU ≥ 0.95 with the square. */
function expectSamMasks(rows: AnnRow[], image: string): void {
  const mine = rows.filter((r) => r.image === image);
  expect(mine).toHaveLength(SHAPES[image].rects.length);
  for (const a of mine) {
    expect(a.pack).toBe('sam-fixture');
    expect(a.rle).toBe(a.predRle);
    const s = square(image, a.category);
    expect(rleIou(rleOf(a), rleFromBbox([s.x, s.y, s.w, s.h], a.height, a.width))).toBeGreaterThanOrEqual(0.95);
  }
}

/**
 * Every square of `image` is one annotation on the detector's box whose mask is GroupViT's
 * class mask of its category cut to that box (and SAM's masks were recorded, not used).
 */
function expectGroupvitMasks(p: string, rows: AnnRow[], image: string): void {
  const mine = rows.filter((r) => r.image === image);
  expect(mine).toHaveLength(SHAPES[image].rects.length);
  const classMasks = recordedMasks(p, 'groupvit-fixture', image);
  for (const a of mine) {
    expect(a.pack).toBe('pix2seq-fixture');
    expect(a.predRle).toBeNull();
    const classMask = classMasks.filter((m) => m.category === a.category).at(-1)!;
    const cut = rleCrop({ size: [a.height, a.width], counts: classMask.rle }, [a.px, a.py, a.pw, a.ph]);
    expect(a.rle).toBe(cut.counts);
    const s = square(image, a.category);
    expect(rleIou(rleOf(a), rleFromBbox([s.x, s.y, s.w, s.h], a.height, a.width))).toBeGreaterThanOrEqual(0.8);
  }
  expect(recordedMasks(p, 'sam-fixture', image).map((m) => m.category).sort()).toEqual(mine.map((a) => a.category).sort());
}

describe('prelabel --masks', () => {
  it('sam and groupvit on one project: each box takes its source’s mask, and report.maskSources counts what people did with each', async () => {
    const { d, p } = await project(['a.png', 'b.png', 'c.png', 'd.png']);
    const sam = runCli(['--json', 'prelabel', p, ...PACKS, '--masks', 'sam', '--images', '{a,b}.png']);
    expect(sam.json, sam.stderr).toMatchObject({ state: 'done', done: 2, failed: 0 });
    const fused = runCli(['--json', 'prelabel', p, ...PACKS, '--masks', 'groupvit', '--images', '{c,d}.png']);
    expect(fused.json, fused.stderr).toMatchObject({ state: 'done', done: 2, failed: 0 });

    const rows = annotations(p);
    expectSamMasks(rows, 'a.png');
    expectSamMasks(rows, 'b.png');
    // GroupViT ran beside SAM: its class masks are recorded as predictions, and none became an annotation
    expect(recordedMasks(p, 'groupvit-fixture', 'a.png').map((m) => m.category)).toEqual(expect.arrayContaining(['red', 'blue']));
    expectGroupvitMasks(p, rows, 'c.png');
    expectGroupvitMasks(p, rows, 'd.png');

    const served = await serveProject(join(d, 'served'));
    try {
      const { client } = served;
      await client.call('project.open', { path: p });
      const find = async (image: string, category: string) => {
        const row = rows.find((r) => r.image === image && r.category === category)!;
        const { annotations: anns } = await client.call('images.get', { id: row.imageId });
        const a = anns.find((x) => x.categoryId === row.categoryId)!;
        expect([a.source, a.state]).toEqual(['model', 'pending']);
        return a;
      };
      const decide = (a: { imageId: number; id: number }, patch: object) => client.call('annotations.apply', { imageId: a.imageId, changes: [{ op: 'update', id: a.id, patch }] });
      /** Keeps the left `fraction` of the mask's box: the new mask is inside the old one, so IoU = new area / old area. */
      const shrink = async (a: { imageId: number; id: number; rle: Rle | null; bbox: number[] }, fraction: number) => {
        const [x, y, w, h] = rleBbox(a.rle!);
        const kept = rleCrop(a.rle!, [x, y, Math.floor(w * fraction), h]);
        await decide(a, { rle: kept, state: 'accepted' });
        return rleArea(kept) / rleArea(a.rle!);
      };

      // SAM: red on a accepted as it is, red on b rejected, blue on a cut to its left half
      await decide(await find('a.png', 'red'), { state: 'accepted' });
      await decide(await find('b.png', 'red'), { state: 'rejected' });
      const samBlueIou = await shrink(await find('a.png', 'blue'), 0.5);
      // GroupViT: red on c accepted, blue on c left pending, blue on d cut to its left quarter
      await decide(await find('c.png', 'red'), { state: 'accepted' });
      await find('c.png', 'blue');
      const fusedBlueIou = await shrink(await find('d.png', 'blue'), 0.25);
      expect(samBlueIou).toBeGreaterThan(0.45);
      expect(fusedBlueIou).toBeLessThan(0.3);

      const [red, blue] = ['red', 'blue'].map((n) => rows.find((r) => r.category === n)!.categoryId);
      const report = await client.call('report.maskSources', {});
      expect(report).toEqual([
        { categoryId: red, name: 'red', source: 'sam', masks: 2, acceptedUnchanged: 1, edited: 0, editedMeanMaskIou: null, rejected: 1, pending: 0 },
        { categoryId: red, name: 'red', source: 'groupvit', masks: 1, acceptedUnchanged: 1, edited: 0, editedMeanMaskIou: null, rejected: 0, pending: 0 },
        { categoryId: blue, name: 'blue', source: 'sam', masks: 1, acceptedUnchanged: 0, edited: 1, editedMeanMaskIou: expect.closeTo(samBlueIou, 9), rejected: 0, pending: 0 },
        { categoryId: blue, name: 'blue', source: 'groupvit', masks: 2, acceptedUnchanged: 0, edited: 1, editedMeanMaskIou: expect.closeTo(fusedBlueIou, 9), rejected: 0, pending: 1 },
      ]);
    } finally {
      await served.close();
    }
  }, 300_000);

  it('refuses contradictory --masks before anything is created', async () => {
    const d = tmp();
    const p = join(d, 'p.lw');
    expect(runCli(['init', p]).code).toBe(0);
    expect(runCli(['categories', p, 'add', 'red']).code).toBe(0);
    const refusals: [string[], string][] = [
      [['prelabel', p, '--pack', 'pix2seq-fixture', '--pack', 'sam-fixture', '--masks', 'groupvit'], '--masks groupvit needs a groupvit pack in the job'],
      [['prelabel', p, '--pack', 'glip-fixture', '--pack', 'groupvit-fixture', '--masks', 'sam'], '--masks sam needs a sam pack in the job'],
      [['prelabel', p, '--pack', 'groupvit-fixture', '--masks', 'groupvit'], '--masks groupvit gives detected boxes their masks: it needs a detector pack in the job'],
      [['prelabel', p, ...PACKS.slice(0, 6), '--fuse', '--masks', 'sam'], '--fuse and --masks sam contradict each other'],
      [['prelabel', p, ...PACKS.slice(0, 6), '--masks', 'both'], '--masks must be sam or groupvit, got "both"'],
      [['bundle', p, '--pack', 'glip-fixture', '--pack', 'sam-fixture', '--masks', 'groupvit', '--shards', '1', '--out', join(d, 'bundle')], '--masks groupvit needs a groupvit pack in the job'],
    ];
    for (const [args, message] of refusals) {
      // --categories names a category the project lacks: a refused command must not create it
      const r = runCli([...args, '--categories', 'green']);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(runCli(['--json', 'categories', p, 'list']).json.map((c: { name: string }) => c.name)).toEqual(['red']);
    expect(runCli(['--json', 'jobs', p]).json).toEqual([]);
  }, 120_000);

  it('a bundle carries --masks groupvit: work runs every pack, merge gives the boxes GroupViT’s masks', async () => {
    const { d, p } = await project(['c.png', 'd.png']);
    const bundle = join(d, 'bundle');
    const made = runCli(['bundle', p, ...PACKS, '--masks', 'groupvit', '--shards', '1', '--out', bundle]);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'))).toMatchObject({ masks: 'groupvit', fuse: true });
    const work = runCli(['work', bundle, '--shard', '0']);
    expect(work.code, work.stderr).toBe(0);
    const merged = runCli(['--json', 'merge', p, bundle]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.json.counts).toMatchObject({ done: 2 });
    const rows = annotations(p);
    expectGroupvitMasks(p, rows, 'c.png');
    expectGroupvitMasks(p, rows, 'd.png');
  }, 300_000);
});
