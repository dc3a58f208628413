/**
 * Issue 9, defect 1 and the mask invariant, through the service API over the in-memory
 * RPC transport: a masked annotation's box is its mask's tight box and its area the mask's
 * pixel count after every write (move, resize, nudge, brush, erase, undo, redo), in the
 * database and in the COCO export, RLE and polygons alike. Every expected box here comes
 * from an independent pixel scan of the mask (or the polygon's vertices), never from the
 * code under test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnnotationPatch } from '../shared/api';
import type { Annotation, Bbox, Rle } from '../shared/contract';
import { decodeRle, encodeMask } from '../shared/masks';
import { ellipses, prng } from '../testing/mask-refs';
import { serveProject, type ServedProject } from '../testing/served-project';
import { useTmp } from '../testing/tmp';
import { insertImages } from '../testing/workspace-fixture';

const tmp = useTmp();
const served: ServedProject[] = [];
afterEach(async () => {
  for (const s of served.splice(0)) await s.close();
});

/** The tight box and pixel count of a mask, by scanning every pixel. */
function scan(rle: Rle): { box: Bbox; pixels: number } {
  const m = decodeRle(rle);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  let pixels = 0;
  for (let y = 0; y < m.height; y++)
    for (let x = 0; x < m.width; x++)
      if (m.data[y * m.width + x]) {
        pixels++;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  return { box: pixels ? [x0, y0, x1 - x0 + 1, y1 - y0 + 1] : [0, 0, 0, 0], pixels };
}

/** The box of COCO polygons: min and max of their vertices. */
function polygonBox(polys: number[][]): Bbox {
  const xs = polys.flatMap((p) => p.filter((_, i) => i % 2 === 0));
  const ys = polys.flatMap((p) => p.filter((_, i) => i % 2 === 1));
  const x0 = Math.min(...xs);
  const y0 = Math.min(...ys);
  return [x0, y0, Math.max(...xs) - x0, Math.max(...ys) - y0];
}

const closeTo = (a: readonly number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 0.01 + 1e-9);
const onGrid = (v: number) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6;

/** The invariant, checked on one annotation as the database has it. */
function expectConsistent(a: Annotation): void {
  expect(a.rle).not.toBeNull();
  const { box, pixels } = scan(a.rle!);
  expect(closeTo(a.bbox, box), `bbox ${JSON.stringify(a.bbox)} vs mask box ${JSON.stringify(box)}`).toBe(true);
  expect(a.area).toBe(pixels);
  for (const v of a.bbox) expect(onGrid(v), `${v} is not a multiple of 0.01`).toBe(true);
}

const W = 200;
const H = 150;

async function setup(mask = ellipses(W, H, [[70, 60, 22, 14]])) {
  const dir = tmp();
  const srv = await serveProject(dir);
  served.push(srv);
  const cat = await srv.client.call('categories.add', { name: 'cat' });
  const [imageId] = insertImages(srv.project, [{ path: join(dir, 'a.png'), width: W, height: H }]);
  const rle = encodeMask(mask);
  // A fused prediction as a job leaves it: model output, pending, box + mask.
  const r = await srv.client.call('annotations.apply', {
    imageId,
    changes: [{ op: 'create', categoryId: cat.id, bbox: scan(rle).box, rle, source: 'model', state: 'pending', score: 0.9 }],
  });
  const id = r.created[0];
  const get = async () => (await srv.client.call('images.get', { id: imageId })).annotations.find((a) => a.id === id)!;
  const patch = async (p: AnnotationPatch) => {
    await srv.client.call('annotations.apply', { imageId, changes: [{ op: 'update', id, patch: p }] });
    return get();
  };
  /** Exports with RLE and with polygons; every annotation's bbox must equal its segmentation's box. */
  const exportBoth = async (): Promise<{ rle: Bbox; polygon: Bbox }> => {
    const boxes: Partial<Record<'rle' | 'polygon', Bbox>> = {};
    for (const segmentation of ['rle', 'polygon'] as const) {
      const path = join(dir, `out-${segmentation}.json`);
      await srv.client.call('export.coco', { path, segmentation, include: 'pending' });
      const coco = JSON.parse(readFileSync(path, 'utf8'));
      expect(coco.annotations).toHaveLength(1);
      for (const a of coco.annotations) {
        const segBox = segmentation === 'rle' ? scan(a.segmentation).box : polygonBox(a.segmentation);
        expect(closeTo(a.bbox, segBox), `${segmentation}: bbox ${JSON.stringify(a.bbox)} vs segmentation box ${JSON.stringify(segBox)}`).toBe(true);
        boxes[segmentation] = a.bbox;
      }
    }
    return boxes as { rle: Bbox; polygon: Bbox };
  };
  return { srv, imageId, id, get, patch, exportBoth };
}

describe('a mask follows its box (move, resize, nudge), in the database and the COCO export', () => {
  it('moves, nudges and resizes the mask with the box; undo and redo restore both', async () => {
    const { get, patch, exportBoth } = await setup();
    const start = await get();
    expectConsistent(start);
    const startScan = scan(start.rle!);
    await exportBoth();

    // Move 30.4 px left and 10.2 px down, as a drag with float noise sends it: the mask moves by whole pixels (-30, +10).
    const [x, y, w, h] = start.bbox;
    const moved = await patch({ bbox: [x - 30.4 + 1e-13, y + 10.2, w, h] });
    expectConsistent(moved);
    expect(moved.bbox).toEqual([x - 30, y + 10, w, h]);
    expect(moved.area).toBe(start.area);
    expect(moved).toMatchObject({ source: 'model-edited', state: 'accepted' });
    expect((await exportBoth()).rle).toEqual(moved.bbox);

    // Nudge: a move by 1 px.
    const nudged = await patch({ bbox: [moved.bbox[0] + 1, moved.bbox[1], moved.bbox[2], moved.bbox[3]] });
    expectConsistent(nudged);
    expect(nudged.bbox).toEqual([x - 29, y + 10, w, h]);
    await exportBoth();

    // Resize to 1.5× the width and 1.25× the height from the same corner: the mask is resampled into the new box.
    const [nx, ny] = nudged.bbox;
    const resized = await patch({ bbox: [nx, ny, w * 1.5, h * 1.25] });
    expectConsistent(resized);
    expect(Math.abs(resized.bbox[2] - w * 1.5)).toBeLessThanOrEqual(1);
    expect(Math.abs(resized.bbox[3] - h * 1.25)).toBeLessThanOrEqual(1);
    expect(resized.area).toBeGreaterThan(startScan.pixels * 1.5);
    await exportBoth();

    // Undo the resize as the editor does: the old box, mask, source and state in one patch.
    const undone = await patch({ bbox: nudged.bbox, rle: nudged.rle, source: nudged.source, state: nudged.state });
    expectConsistent(undone);
    expect(undone).toEqual(nudged);
    await exportBoth();
    // Undo the nudge and the move back to the untouched prediction.
    await patch({ bbox: moved.bbox, rle: moved.rle, source: moved.source, state: moved.state });
    const back = await patch({ bbox: start.bbox, rle: start.rle, source: start.source, state: start.state });
    expect(back).toEqual(start);
    expect((await exportBoth()).rle).toEqual(start.bbox);

    // Redo the move (the same forward patch again), then the nudge and the resize.
    expect(await patch({ bbox: [x - 30.4, y + 10.2, w, h] })).toEqual(moved);
    expect(await patch({ bbox: [moved.bbox[0] + 1, moved.bbox[1], moved.bbox[2], moved.bbox[3]] })).toEqual(nudged);
    const redone = await patch({ bbox: [nx, ny, w * 1.5, h * 1.25] });
    expect(redone).toEqual(resized);
    const exported = await exportBoth();
    expect(exported.rle).toEqual(resized.bbox);
    expect(exported.polygon).toEqual(resized.bbox);
  });

  it('a box dragged partly off the image carries its mask off with it; the box follows the clipped mask', async () => {
    const { get, patch, exportBoth } = await setup();
    const start = await get();
    const [, y, w, h] = start.bbox;
    const off = await patch({ bbox: [-20, y, w, h] });
    expectConsistent(off);
    // The mask moved by -x0 - 20: the columns left of 0 are gone, so it is narrower and smaller, not squashed.
    expect(off.bbox).toEqual([0, y, w - 20, h]);
    expect(off.area).toBeLessThan(start.area);
    await exportBoth();
  });

  it('refuses an explicit bbox that contradicts the mask it comes with, naming the annotation', async () => {
    const { srv, imageId, id, get } = await setup();
    const a = await get();
    const [x, y, w, h] = a.bbox;
    await expect(
      srv.client.call('annotations.apply', { imageId, changes: [{ op: 'update', id, patch: { bbox: [x + 5, y, w, h], rle: a.rle } }] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(new RegExp(`annotation ${id}\\): bbox \\[.*\\] contradicts its mask`)) });
    expect(await get()).toEqual(a);
  });
});

describe('the invariant holds after every step of random edit sequences', () => {
  it('move, resize, brush, erase, undo and redo: bbox = the mask box, area = its pixels, coordinates on 1/100 px', async () => {
    const rnd = prng(9);
    const { get, patch } = await setup();
    /** The mask with a random disc painted on (brush) or cleared (eraser). */
    const withDisc = (rle: Rle, on: boolean) => {
      const m = decodeRle(rle);
      const d = ellipses(W, H, [[rnd() * W, rnd() * H, 3 + rnd() * 12, 3 + rnd() * 12]]).data;
      for (let i = 0; i < m.data.length; i++) if (d[i]) m.data[i] = on ? 1 : 0;
      return m;
    };

    /** One undo entry: the forward patch, its inverse (the old box, mask, source, state), the result, and whether it changed anything. */
    interface Step {
      forward: AnnotationPatch;
      inverse: AnnotationPatch;
      after: Annotation;
      changed: boolean;
    }
    const undo: Step[] = [];
    const redo: Step[] = [];
    const first = await get();
    let cur = first;
    expectConsistent(cur);
    const counts: Record<string, number> = {};

    for (let step = 0; step < 200; step++) {
      const r = rnd();
      const [x, y, bw, bh] = cur.bbox;
      let forward: AnnotationPatch | null = null;
      let kind: string;
      if (r < 0.2) {
        kind = 'move';
        forward = { bbox: [x + (rnd() - 0.5) * 40, y + (rnd() - 0.5) * 30, bw, bh] };
      } else if (r < 0.32) {
        kind = 'resize';
        forward = { bbox: [x + (rnd() - 0.5) * 6, y + (rnd() - 0.5) * 6, Math.max(2, bw * (0.6 + rnd())), Math.max(2, bh * (0.6 + rnd()))] };
      } else if (r < 0.44) {
        kind = 'brush';
        forward = { rle: encodeMask(withDisc(cur.rle!, true)) };
      } else if (r < 0.56) {
        kind = 'erase';
        const m = withDisc(cur.rle!, false);
        if (!m.data.some((v) => v)) continue; // erasing everything is a delete, not an edit
        forward = { rle: encodeMask(m) };
      } else if (r < 0.78) {
        kind = 'undo';
        const s = undo.pop();
        if (!s) continue;
        cur = await patch(s.inverse);
        expect(cur).toMatchObject({ bbox: s.inverse.bbox, rle: s.inverse.rle, source: s.inverse.source, state: s.inverse.state });
        redo.push(s);
      } else {
        kind = 'redo';
        const s = redo.pop();
        if (!s) continue;
        cur = await patch(s.forward);
        expect(cur).toEqual(s.after);
        undo.push(s);
      }
      if (forward) {
        const before = cur;
        try {
          cur = await patch(forward);
        } catch (e) {
          // A box moved or shrunk off every pixel of its mask is refused, and nothing changes.
          expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/leaves no pixel/) });
          expect(await get()).toEqual(before);
          counts.refused = (counts.refused ?? 0) + 1;
          continue;
        }
        const changed = cur.rle!.counts !== before.rle!.counts || cur.bbox.some((v, i) => v !== before.bbox[i]);
        undo.push({ forward, inverse: { bbox: before.bbox, rle: before.rle, source: before.source, state: before.state }, after: cur, changed });
        redo.length = 0;
        // A move goes by whole pixels: the same pixels, fewer only where some fell off the image.
        if (kind === 'move') {
          if (cur.bbox[2] === before.bbox[2] && cur.bbox[3] === before.bbox[3]) expect(cur.area).toBe(before.area);
          else expect(cur.area).toBeLessThan(before.area);
        }
      }
      counts[kind] = (counts[kind] ?? 0) + 1;
      expectConsistent(cur);
      // Any edit decides the prediction (a move by less than half a pixel changes nothing);
      // undoing every edit gives back the untouched one.
      if (!undo.some((s) => s.changed)) expect(cur).toEqual(first);
      else expect(cur).toMatchObject({ source: 'model-edited', state: 'accepted' });
    }
    for (const k of ['move', 'resize', 'brush', 'erase', 'undo', 'redo']) expect(counts[k] ?? 0, JSON.stringify(counts)).toBeGreaterThan(5);
  });
});
