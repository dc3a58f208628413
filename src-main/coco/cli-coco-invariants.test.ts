/**
 * Issue 9 through the CLI binary: a COCO import stores what the project's invariants allow
 * (a masked annotation's box is its mask's box, boxes inside their image, coordinates at
 * 1/100 px) and reports every annotation it stored otherwise than the file says, by JSON
 * path; an export of such a project writes boxes that agree with their segmentations; and
 * `export coco` warns on stderr about reviewed images that still hold pending predictions.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decodeRle } from '../shared/masks';
import { REPO_ROOT, runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';
import { leaveReviewedWithPending } from '../testing/old-project';

const tmp = useTmp();
const SAMPLES = join(REPO_ROOT, 'resources', 'samples');

/** Column-major COCO counts of the rectangle x in [x0, x0 + w), y in [y0, y0 + h) of an H×W image. */
function rectCounts(W: number, H: number, x0: number, y0: number, w: number, h: number): number[] {
  const counts: number[] = [];
  let zeros = x0 * H + y0;
  for (let c = 0; c < w; c++) {
    counts.push(zeros, h);
    zeros = H - h;
  }
  counts.push(W * H - counts.reduce((a, b) => a + b, 0));
  return counts;
}

/** The tight box of a mask, by scanning every pixel. */
function maskBox(rle: { size: [number, number]; counts: string }): number[] {
  const m = decodeRle(rle);
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < m.height; y++)
    for (let x = 0; x < m.width; x++)
      if (m.data[y * m.width + x]) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  return [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

function polygonBox(polys: number[][]): number[] {
  const xs = polys.flatMap((p) => p.filter((_, i) => i % 2 === 0));
  const ys = polys.flatMap((p) => p.filter((_, i) => i % 2 === 1));
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
}

const closeTo = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 0.01 + 1e-9);

function setup() {
  const d = tmp();
  const images = join(d, 'images');
  cpSync(SAMPLES, images, { recursive: true });
  const p = join(d, 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  return { d, images, p };
}

/** chelsea.png is 451×300, rocket.jpg 640×427. */
function dataset() {
  return {
    images: [
      { id: 7, file_name: 'chelsea.png', width: 451, height: 300 },
      { id: 8, file_name: 'rocket.jpg', width: 640, height: 427 },
    ],
    categories: [{ id: 1, name: 'cat' }],
    annotations: [
      // An RLE rectangle [10, 5, 10, 10] whose box was padded by the exporter: contradicts the mask.
      { id: 100, image_id: 7, category_id: 1, bbox: [8, 3, 14.5, 14], segmentation: { size: [300, 451], counts: rectCounts(451, 300, 10, 5, 10, 10) } },
      // An RLE rectangle whose box agrees up to float noise: stored as the mask's box, not reported.
      { id: 101, image_id: 7, category_id: 1, bbox: [100.00000000000001, 50, 20, 30.000000000000004], segmentation: { size: [300, 451], counts: rectCounts(451, 300, 100, 50, 20, 30) } },
      // A polygon whose box is somewhere else entirely.
      { id: 102, image_id: 8, category_id: 1, bbox: [0, 0, 5, 5], segmentation: [[200, 100, 260, 100, 260, 140, 200, 140]] },
      // A box with float noise: rounded, not reported.
      { id: 103, image_id: 8, category_id: 1, bbox: [129.89999999999998, 10.1, 20.000000000000004, 5] },
      // A box sticking 0.5 px out of its image (within the tolerance): clipped and reported.
      { id: 104, image_id: 8, category_id: 1, bbox: [620, 400, 20.5, 27] },
    ],
  };
}

function rows(p: string) {
  const db = new Database(p, { readonly: true });
  const r = db.prepare(`SELECT x, y, w, h, rle, area FROM annotations ORDER BY id`).all() as { x: number; y: number; w: number; h: number; rle: string | null; area: number }[];
  db.close();
  return r;
}

describe('COCO import keeps the invariants and reports what it changed', () => {
  it('stores the mask box for a contradicting bbox, and lists each such annotation by JSON path in --json and in the summary', () => {
    const { d, images, p } = setup();
    const src = join(d, 'in.json');
    writeFileSync(src, JSON.stringify(dataset()));
    const r = runCli(['--json', 'import', 'coco', p, src, '--images', images]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.annotations).toBe(5);
    expect(r.json.fixed).toEqual([
      { path: 'annotations[0].bbox', id: 100, from: [8, 3, 14.5, 14], to: [10, 5, 10, 10], reason: 'mask-box' },
      { path: 'annotations[2].bbox', id: 102, from: [0, 0, 5, 5], to: expect.any(Array), reason: 'mask-box' },
      { path: 'annotations[4].bbox', id: 104, from: [620, 400, 20.5, 27], to: [620, 400, 20, 27], reason: 'clipped' },
    ]);

    const stored = rows(p);
    const sizes: [number, number][] = [[300, 451], [300, 451], [427, 640]];
    for (let i = 0; i < 3; i++) {
      const box = maskBox({ size: sizes[i], counts: stored[i].rle! });
      expect([stored[i].x, stored[i].y, stored[i].w, stored[i].h]).toEqual(box);
    }
    expect(stored[0].area).toBe(100);
    expect(stored[1]).toMatchObject({ x: 100, y: 50, w: 20, h: 30, area: 600 });
    // The polygon's box: its vertices span x 200–260, y 100–140.
    expect(closeTo([stored[2].x, stored[2].y, stored[2].w, stored[2].h], [200, 100, 60, 40])).toBe(true);
    expect(r.json.fixed[1].to).toEqual([stored[2].x, stored[2].y, stored[2].w, stored[2].h]);
    expect(stored[3]).toMatchObject({ x: 129.9, y: 10.1, w: 20, h: 5, rle: null, area: 100 });
    expect(stored[4]).toMatchObject({ x: 620, y: 400, w: 20, h: 27, area: 540 });

    // The person reading the summary sees the same list.
    const p2 = join(d, 'p2.lw');
    runCli(['init', p2]);
    const human = runCli(['import', 'coco', p2, src, '--images', images]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/Stored 3 annotations otherwise than the file says:/);
    expect(human.stdout).toMatch(/annotations\[0\]\.bbox \(id 100\): \[8, 3, 14\.5, 14\] → \[10, 5, 10, 10\]: contradicted its segmentation: stored the mask's box/);
    expect(human.stdout).toMatch(/annotations\[4\]\.bbox \(id 104\): .* stuck out of the image: clipped to it/);
  });

  it('exports the imported masks with boxes equal to their segmentations, RLE and polygons, and no float noise', () => {
    const { d, images, p } = setup();
    const src = join(d, 'in.json');
    writeFileSync(src, JSON.stringify(dataset()));
    expect(runCli(['import', 'coco', p, src, '--images', images]).code).toBe(0);
    for (const segmentation of ['rle', 'polygon']) {
      const out = join(d, `${segmentation}.json`);
      const r = runCli(['export', 'coco', p, out, '--segmentation', segmentation]);
      expect(r.code, r.stderr).toBe(0);
      const coco = JSON.parse(readFileSync(out, 'utf8'));
      expect(coco.annotations).toHaveLength(5);
      for (const a of coco.annotations) {
        if (Array.isArray(a.segmentation) && a.segmentation.length === 0) continue; // box only
        const box = segmentation === 'rle' ? maskBox(a.segmentation) : polygonBox(a.segmentation);
        expect(closeTo(a.bbox, box), `${segmentation}: ${JSON.stringify(a.bbox)} vs ${JSON.stringify(box)}`).toBe(true);
      }
      expect(JSON.stringify(coco.annotations).match(/\d+\.\d{3,}/g)).toBeNull();
    }
  });
});

describe('export coco warns about reviewed images with pending predictions', () => {
  it('prints the note as a warning line on stderr, and --json carries the count and the note', () => {
    const { d, images, p } = setup();
    const src = join(d, 'in.json');
    writeFileSync(src, JSON.stringify(dataset()));
    runCli(['import', 'coco', p, src, '--images', images]);
    const plain = runCli(['export', 'coco', p, join(d, 'before.json'), '--reviewed-only']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).not.toMatch(/warning/);

    // An old project: chelsea marked reviewed while a prediction on it is still pending.
    leaveReviewedWithPending(p, 'chelsea.png');

    const out = join(d, 'reviewed.json');
    const r = runCli(['--json', 'export', 'coco', p, out, '--reviewed-only']);
    expect(r.code, r.stderr).toBe(0);
    const note =
      '1 image is marked reviewed but still holds 1 pending prediction: this export writes only the accepted annotations of those images and leaves the pending predictions out.';
    expect(r.stderr).toContain(`warning: ${note}\n`);
    expect(r.json).toMatchObject({ images: 1, annotations: 2, reviewedWithPending: 1, reviewedWithPendingNote: note });
    expect(JSON.parse(readFileSync(out, 'utf8')).annotations).toHaveLength(2);

    const withPending = runCli(['export', 'coco', p, join(d, 'pending.json'), '--reviewed-only', '--include-pending']);
    expect(withPending.stderr).toMatch(/^warning: 1 image is marked reviewed .*: this export writes them as annotations, with the accepted ones\.$/m);
    expect(JSON.parse(readFileSync(join(d, 'pending.json'), 'utf8')).annotations).toHaveLength(3);
  });
});
