import { describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { REPO_ROOT, runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';
import { leaveReviewedWithPending } from '../testing/old-project';
import { inconsistentCounters } from '../testing/counters';

const tmp = useTmp();
const SAMPLES = join(REPO_ROOT, 'resources', 'samples');

/**
 * A mask by hand: the rectangle x in [10, 20), y in [5, 15) of the 451×300 chelsea.png.
 * COCO counts run down the columns (column-major) and start with zeros:
 *   columns 0–9 are empty (10·300) plus rows 0–4 of column 10  → 3005 zeros,
 *   then per column 10 ones (rows 5–14) and 290 zeros (rows 15–299 and 0–4 of the next),
 *   and after column 19's ones: rows 15–299 (285) plus columns 20–450 (431·300) of zeros.
 * Area 100, bbox [10, 5, 10, 10].
 */
function chelseaRectCounts(): number[] {
  const counts = [3005];
  for (let c = 10; c < 20; c++) counts.push(10, c < 19 ? 290 : 285 + 431 * 300);
  return counts;
}

function dataset() {
  return {
    info: { description: 'hand-made' },
    images: [
      { id: 7, file_name: 'chelsea.png', width: 451, height: 300 },
      { id: 8, file_name: 'rocket.jpg', width: 640, height: 427 },
      { id: 9, file_name: 'coffee.png', width: 600, height: 400 },
    ],
    categories: [
      { id: 1, name: 'Cat', supercategory: 'animal' },
      { id: 5, name: 'rocket' },
      { id: 6, name: 'cup' },
    ],
    annotations: [
      { id: 100, image_id: 7, category_id: 1, bbox: [10, 5, 10, 10], iscrowd: 0, segmentation: { size: [300, 451], counts: chelseaRectCounts() } },
      { id: 101, image_id: 7, category_id: 1, bbox: [100.5, 50.25, 200, 150], area: 30000, iscrowd: 0 },
      { id: 102, image_id: 8, category_id: 5, bbox: [10, 10, 20, 20], segmentation: [[10, 10, 30, 10, 30, 30, 10, 30]] },
      { id: 103, image_id: 8, category_id: 5, bbox: [300, 100, 50.5, 200.25], segmentation: [] },
    ],
  };
}

function setup() {
  const d = tmp();
  const images = join(d, 'images');
  cpSync(SAMPLES, images, { recursive: true });
  const p = join(d, 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  return { d, images, p };
}

function annotations(p: string) {
  const db = new Database(p, { readonly: true });
  const rows = db
    .prepare(
      `SELECT i.path, c.name AS category, a.x, a.y, a.w, a.h, a.rle, a.area, a.source, a.state
       FROM annotations a JOIN images i ON i.id = a.image_id JOIN categories c ON c.id = a.category_id
       ORDER BY i.path, a.x, a.y`,
    )
    .all() as Record<string, any>[];
  db.close();
  return rows.map((r) => ({ ...r, path: String(r.path).split('/').pop() })) as Record<string, any>[];
}

describe('COCO import and export through the CLI', () => {
  it('round-trips init → add → categories → import → export → import with identical annotations', () => {
    const { d, images, p } = setup();
    expect(runCli(['add', p, images]).code).toBe(0);
    // "cat" exists with id 1 already, "mug" takes id 2: the file's ids 1 and 6 map around them.
    runCli(['categories', p, 'add', 'cat,mug']);
    const src = join(d, 'in.json');
    writeFileSync(src, JSON.stringify(dataset()));

    const imp = runCli(['--json', 'import', 'coco', p, src, '--images', images]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.json.annotations).toBe(4);
    expect(imp.json.images).toEqual({ total: 3, added: 0, matched: 3 });
    expect(imp.json.categories).toMatchObject({ created: 2, reused: 1 });
    expect(imp.json.categories.remapped).toEqual([]); // "Cat" matched id 1, 5 and 6 were free

    const rows = annotations(p);
    const counters = new Database(p, { readonly: true });
    expect(inconsistentCounters(counters)).toEqual([]);
    counters.close();
    const rect = rows.find((r) => r.path === 'chelsea.png' && r.x === 10)!;
    expect(rect).toMatchObject({ category: 'cat', w: 10, h: 10, area: 100, source: 'human', state: 'accepted' });
    expect(typeof rect.rle).toBe('string');
    const boxOnly = rows.find((r) => r.path === 'chelsea.png' && r.x === 100.5)!;
    expect(boxOnly).toMatchObject({ rle: null, area: 200 * 150 });
    const poly = rows.find((r) => r.path === 'rocket.jpg' && r.x === 10)!;
    // A 20×20 polygon: pycocotools' rasteriser yields between 20² and 21² pixels.
    expect(poly.area as number).toBeGreaterThanOrEqual(400);
    expect(poly.area as number).toBeLessThanOrEqual(441);

    const out = join(d, 'out.json');
    const exp = runCli(['--json', 'export', 'coco', p, out]);
    expect(exp.code, exp.stderr).toBe(0);
    const coco = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(coco)).toEqual(['info', 'licenses', 'categories', 'images', 'annotations']);
    expect(coco.categories.map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([
      [1, 'cat'],
      [2, 'mug'],
      [5, 'rocket'],
      [6, 'cup'],
    ]);
    // file_name is relative to the images' common folder, with forward slashes in subfolders.
    expect(coco.images.map((i: { file_name: string }) => i.file_name).sort()).toEqual([
      'astronaut.png',
      'chelsea.png',
      'coffee.png',
      'rocket.jpg',
      'synthetic/blue-and-red.png',
      'synthetic/green-disc-portrait.png',
      'synthetic/half-blue.png',
      'synthetic/red-square.png',
    ]);
    expect(coco.annotations.map((a: { id: number }) => a.id)).toEqual([1, 2, 3, 4]);
    for (const a of coco.annotations) {
      expect(a.iscrowd).toBe(0);
      expect(a.bbox).toHaveLength(4);
      const img = coco.images.find((i: { id: number }) => i.id === a.image_id);
      if (!Array.isArray(a.segmentation)) expect(a.segmentation.size).toEqual([img.height, img.width]);
    }

    // Back in through our own importer: the same annotations, field for field.
    const p2 = join(d, 'p2.lw');
    runCli(['init', p2]);
    const again = runCli(['--json', 'import', 'coco', p2, out, '--images', images]);
    expect(again.code, again.stderr).toBe(0);
    expect(annotations(p2)).toEqual(rows);
  });

  it('exports polygons that trace the masks and results with scores', () => {
    const { d, images, p } = setup();
    const src = join(d, 'in.json');
    writeFileSync(src, JSON.stringify(dataset()));
    expect(runCli(['import', 'coco', p, src, '--images', images]).code).toBe(0);
    const out = join(d, 'poly.json');
    expect(runCli(['export', 'coco', p, out, '--segmentation', 'polygon']).code).toBe(0);
    const coco = JSON.parse(readFileSync(out, 'utf8'));
    const rect = coco.annotations.find((a: { bbox: number[] }) => a.bbox[0] === 10 && a.bbox[1] === 5);
    // The traced outline of the pixel rectangle [10, 20) × [5, 15).
    expect(rect.segmentation).toHaveLength(1);
    const poly: number[] = rect.segmentation[0];
    const xs = poly.filter((_, i) => i % 2 === 0);
    const ys = poly.filter((_, i) => i % 2 === 1);
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([10, 20, 5, 15]);
    const boxOnly = coco.annotations.find((a: { bbox: number[] }) => a.bbox[0] === 100.5);
    expect(boxOnly.segmentation).toEqual([]);
  });

  it('exports only reviewed images when asked, and pending model output only when asked', () => {
    const { d, images, p } = setup();
    const src = join(d, 'in.json');
    writeFileSync(src, JSON.stringify(dataset()));
    runCli(['import', 'coco', p, src, '--images', images]);
    const chelsea = { id: leaveReviewedWithPending(p, 'chelsea.png') };

    const reviewed = join(d, 'reviewed.json');
    expect(runCli(['export', 'coco', p, reviewed, '--reviewed-only']).code).toBe(0);
    const r = JSON.parse(readFileSync(reviewed, 'utf8'));
    expect(r.images.map((i: { id: number }) => i.id)).toEqual([chelsea.id]);
    expect(r.annotations).toHaveLength(2);

    const pending = join(d, 'pending.json');
    runCli(['export', 'coco', p, pending, '--reviewed-only', '--include-pending']);
    expect(JSON.parse(readFileSync(pending, 'utf8')).annotations).toHaveLength(3);
  });

  const malformed: [string, (ds: ReturnType<typeof dataset>) => unknown, RegExp][] = [
    ['wrong types', (ds) => ((ds.annotations[1] as { bbox: unknown }).bbox = [1, 2, 3], ds), /annotations\[1\]\.bbox: expected 4 numbers/],
    ['a string where a number belongs', (ds) => ((ds.images[0] as { width: unknown }).width = '451', ds), /images\[0\]\.width: expected number, got string/],
    ['a missing category', (ds) => ((ds.annotations[2].category_id = 99), ds), /annotations\[2\]\.category_id: no category with id 99/],
    ['a bbox outside the image', (ds) => ((ds.annotations[3].bbox = [600, 100, 50, 20]), ds), /annotations\[3\]\.bbox: \[600, 100, 50, 20\] lies outside its 640×427 image/],
    ['a missing image file', (ds) => ((ds.images[2].file_name = 'nope.png'), ds), /images\[2\]\.file_name: .*nope\.png/],
    ['an image of the wrong size', (ds) => ((ds.images[2].width = 601), ds), /images\[2\]: .*600×400 but the file says 601×400/],
    ['RLE counts that do not fill the image', (ds) => (((ds.annotations[0].segmentation as { counts: number[] }).counts = [5, 5]), ds), /annotations\[0\]\.segmentation\.counts: run lengths sum to 10/],
    ['a polygon with an odd count', (ds) => ((ds.annotations[2].segmentation = [[10, 10, 30, 10, 30]]), ds), /annotations\[2\]\.segmentation\[0\]: a polygon needs an even number/],
    ['not an object', () => [1, 2, 3], /\(root\): expected object, got array/],
  ];

  for (const [name, mutate, expected] of malformed) {
    it(`rejects ${name} with the JSON path and changes nothing`, () => {
      const { d, images, p } = setup();
      runCli(['add', p, images]);
      const before = runCli(['--json', 'stats', p]).json;
      const src = join(d, 'bad.json');
      writeFileSync(src, JSON.stringify(mutate(dataset())));
      const r = runCli(['import', 'coco', p, src, '--images', images]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(expected);
      expect(r.stderr).toMatch(/^hint: .*nothing was changed/m);
      expect(runCli(['--json', 'stats', p]).json).toEqual(before);
    });
  }

  it('rejects a file that is not UTF-8, naming the byte', () => {
    const { d, images, p } = setup();
    const src = join(d, 'latin1.json');
    const text = Buffer.from(JSON.stringify(dataset()).replace('"rocket"', '"rocket caf\u00e9"'), 'latin1');
    writeFileSync(src, text);
    const r = runCli(['import', 'coco', p, src, '--images', images]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not valid UTF-8 \(invalid byte 0xe9 at offset \d+\)/);
  });

  it('rejects 50 MB of nested arrays quickly and survives', () => {
    const { d, images, p } = setup();
    const src = join(d, 'deep.json');
    const half = 25 * 1024 * 1024;
    writeFileSync(src, '['.repeat(half) + ']'.repeat(half));
    const t0 = Date.now();
    const r = runCli(['import', 'coco', p, src, '--images', images]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/nested deeper than 32 levels/);
    // Not a timing assertion on the code under test: a guard that we never parse the tower.
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(runCli(['--json', 'stats', p]).json.annotations).toBe(0);
  });

  it('reports every problem in --json mode for scripts', () => {
    const { d, images, p } = setup();
    const ds = dataset();
    ds.annotations[0].category_id = 42;
    ds.annotations[1].image_id = 77;
    const src = join(d, 'bad.json');
    writeFileSync(src, JSON.stringify(ds));
    const r = runCli(['--json', 'import', 'coco', p, src, '--images', images]);
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('COCO_INVALID');
    expect(r.json.error.details.issues).toEqual([
      { path: 'annotations[0].category_id', message: 'no category with id 42' },
      { path: 'annotations[1].image_id', message: 'no image with id 77' },
    ]);
  });
});
