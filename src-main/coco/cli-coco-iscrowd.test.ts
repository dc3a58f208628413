import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../testing/cli';
import { useServedImage } from '../testing/served-project';
import { useTmp } from '../testing/tmp';
import { decodeRle, rleArea, rleFromBbox } from '../shared/masks';

// iscrowd through the whole data path: set by the edit API (as the editor saves it),
// exported as COCO iscrowd 1 with an RLE segmentation, and imported back by the CLI.
const project = useServedImage();
const tmp = useTmp();

interface CocoAnn {
  bbox: number[];
  area: number;
  iscrowd: number;
  segmentation: unknown;
}

describe('iscrowd', () => {
  it('is stored per annotation, exported as iscrowd 1 with RLE (a box-only crowd as its box), and re-imported', async () => {
    const p = await project();
    const { client } = p.srv;
    const mask = rleFromBbox([20, 10, 30, 25], 80, 100);
    const res = await client.call('annotations.apply', {
      imageId: p.imageId,
      changes: [
        { op: 'create', categoryId: p.categoryId, bbox: [20, 10, 30, 25], rle: mask, iscrowd: true },
        { op: 'create', categoryId: p.categoryId, bbox: [60, 40, 12.5, 10] },
        { op: 'create', categoryId: p.categoryId, bbox: [5, 5, 10, 10] },
      ],
    });
    expect(res.annotations.map((a) => a.iscrowd)).toEqual([true, false, false]);
    // The flag is an edit of its own: set on a box-only annotation, the geometry stays.
    const [, boxId] = res.created;
    const after = await client.call('annotations.apply', {
      imageId: p.imageId,
      changes: [{ op: 'update', id: boxId, patch: { iscrowd: true } }],
    });
    expect(after.annotations.find((a) => a.id === boxId)).toMatchObject({ iscrowd: true, bbox: [60, 40, 12.5, 10], source: 'human' });

    const out = join(tmp(), 'out.json');
    // Polygons requested: crowd regions are RLE all the same (COCO's rule).
    await client.call('export.coco', { path: out, include: 'accepted', segmentation: 'polygon' });
    const coco = JSON.parse(readFileSync(out, 'utf8')) as { annotations: CocoAnn[]; images: { id: number; file_name: string }[] };
    expect(coco.annotations.map((a) => a.iscrowd)).toEqual([1, 1, 0]);
    const [crowdMask, crowdBox, plain] = coco.annotations;
    expect(crowdMask.segmentation).toEqual({ size: [80, 100], counts: mask.counts });
    expect(crowdMask.area).toBe(rleArea(mask));
    // A box-only crowd is its box, rasterised as pycocotools frBbox does.
    expect(crowdBox.segmentation).toEqual({ size: [80, 100], counts: rleFromBbox([60, 40, 12.5, 10], 80, 100).counts });
    expect(decodeRle(crowdBox.segmentation as { size: [number, number]; counts: string }).data.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    expect(plain.segmentation).toEqual([]);

    const p2 = join(tmp(), 'p2.lw');
    expect(runCli(['init', p2]).code).toBe(0);
    const imp = runCli(['--json', 'import', 'coco', p2, out, '--images', join(p.srv.project.path, '..')]);
    expect(imp.code, imp.stderr).toBe(0);
    const db = new Database(p2, { readonly: true });
    const rows = db.prepare(`SELECT x, y, w, h, rle IS NOT NULL AS masked, iscrowd FROM annotations ORDER BY id`).all();
    db.close();
    expect(rows).toEqual([
      { x: 20, y: 10, w: 30, h: 25, masked: 1, iscrowd: 1 },
      { x: 60, y: 40, w: 13, h: 10, masked: 1, iscrowd: 1 },
      { x: 5, y: 5, w: 10, h: 10, masked: 0, iscrowd: 0 },
    ]);
  });
});
