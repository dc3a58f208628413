/**
 * Box → mask in pre-labeling through the CLI binary: a detector pack and the sam pack in one
 * job; every detected box prompts SAM, and the annotation is the mask with the mask's box.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRle, encodeMask, rleFromBbox, rleIou } from '../../shared/masks';
import { runCli } from '../../testing/cli';
import { BLUE, plantedImage, RED } from '../../testing/planted-images';
import { useTmp } from '../../testing/tmp';

const tmp = useTmp();
const WHITE = { r: 255, g: 255, b: 255 };
type CocoAnn = { image_id: number; category_id: number; bbox: number[]; area: number; segmentation: unknown };

/** A COCO annotation's segmentation as a compressed RLE (the export writes masks as RLE). */
function rleOf(a: CocoAnn, h: number, w: number) {
  const s = a.segmentation as { size: [number, number]; counts: string };
  expect(s.size).toEqual([h, w]);
  return encodeMask(decodeRle(s));
}

const SHAPES: Record<string, { w: number; h: number; rects: { x: number; y: number; w: number; h: number; colour: typeof RED }[] }> = {
  'a.png': { w: 640, h: 480, rects: [{ x: 60, y: 70, w: 160, h: 160, colour: RED }, { x: 380, y: 220, w: 150, h: 150, colour: BLUE }] },
  'b.png': { w: 360, h: 640, rects: [{ x: 100, y: 300, w: 140, h: 140, colour: RED }] },
};

/** A project of the planted images, not yet labelled. */
async function project(): Promise<{ d: string; p: string }> {
  const d = tmp();
  const dir = join(d, 'img');
  mkdirSync(dir);
  for (const [name, s] of Object.entries(SHAPES)) writeFileSync(join(dir, name), await plantedImage(s.w, s.h, s.rects, { bg: WHITE }));
  const p = join(d, 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  expect(runCli(['add', p, dir]).code).toBe(0);
  return { d, p };
}

/** Every drawn square is one annotation of its colour whose mask has IoU ≥ 0.95 with it and whose box is the mask's tight box. */
function expectSquareMasks(d: string, p: string): void {
  const out = join(d, 'out.json');
  expect(runCli(['export', 'coco', p, out, '--include-pending']).code).toBe(0);
  const coco = JSON.parse(readFileSync(out, 'utf8'));
  const catName = (id: number) => coco.categories.find((c: { id: number }) => c.id === id).name;
  expect(coco.images).toHaveLength(2);
  for (const img of coco.images as { id: number; file_name: string; width: number; height: number }[]) {
    const s = SHAPES[img.file_name.split(/[\\/]/).pop()!];
    const anns = (coco.annotations as CocoAnn[]).filter((a) => a.image_id === img.id);
    expect(anns).toHaveLength(s.rects.length);
    for (const r of s.rects) {
      const a = anns.find((x) => catName(x.category_id) === (r.colour === RED ? 'red' : 'blue'))!;
      const rle = rleOf(a, img.height, img.width);
      expect(rleIou(rle, rleFromBbox([r.x, r.y, r.w, r.h], img.height, img.width))).toBeGreaterThanOrEqual(0.95);
      const m = decodeRle(rle);
      let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
      for (let y = 0; y < m.height; y++)
        for (let x = 0; x < m.width; x++)
          if (m.data[y * m.width + x]) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      expect(a.bbox).toEqual([x0, y0, x1 - x0 + 1, y1 - y0 + 1]);
    }
  }
}

describe('prelabel with a detector and a sam pack', () => {
  for (const detector of ['pix2seq-fixture', 'glip-fixture']) {
    it(`${detector} + sam-fixture: each detected square becomes a mask with IoU ≥ 0.95, its box taken from the mask`, async () => {
      const { d, p } = await project();
      const args = ['--pack', detector, '--pack', 'sam-fixture', '--categories', 'red,blue'];
      const job = runCli(['--json', 'prelabel', p, ...args]);
      expect(job.json, job.stderr).toMatchObject({ state: 'done', done: 2, failed: 0 });
      // The same command again finds every image labelled: nothing is redone.
      const again = runCli(['--json', 'prelabel', p, ...args]);
      expect(again.json, again.stderr).toMatchObject({ total: 0, done: 0 });
      expectSquareMasks(d, p);
    }, 180_000);
  }

  it('runs as a bundle: work writes the masks into the shard results, merge brings them in', async () => {
    const { d, p } = await project();
    const bundle = join(d, 'bundle');
    const made = runCli(['bundle', p, '--pack', 'pix2seq-fixture', '--pack', 'sam-fixture', '--categories', 'red,blue', '--shards', '1', '--out', bundle]);
    expect(made.code, made.stderr).toBe(0);
    const work = runCli(['work', bundle, '--shard', '0']);
    expect(work.code, work.stderr).toBe(0);
    const merged = runCli(['--json', 'merge', p, bundle]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.json.counts).toMatchObject({ done: 2 });
    expectSquareMasks(d, p);
  }, 180_000);

  it('refuses a sam pack without a detector', async () => {
    const d = tmp();
    const p = join(d, 'p.lw');
    expect(runCli(['init', p]).code).toBe(0);
    expect(runCli(['categories', p, 'add', 'red']).code).toBe(0);
    const r = runCli(['prelabel', p, '--pack', 'sam-fixture']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('A sam pack segments boxes: it needs a detector pack in the same job');
  }, 60_000);
});
