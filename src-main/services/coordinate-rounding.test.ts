/**
 * Issue 9, defect 9: stored and exported coordinates carry no float noise such as
 * 129.89999999999998. They are rounded to 1/100 px wherever data is written (edits, model
 * output) and again when written out (rows from older versions may still carry noise).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PredictionResult } from '../inference/types';
import { commitImage } from '../jobs/commit-image';
import type { JobParams } from '../jobs/job-params';
import { insertModelRun } from '../db/runs-table';
import { insertJob } from '../db/jobs-table';
import { decodeRle, encodeMask } from '../shared/masks';
import { ellipses } from '../testing/mask-refs';
import { serveProject, type ServedProject } from '../testing/served-project';
import { useTmp } from '../testing/tmp';
import { insertImages } from '../testing/workspace-fixture';

const tmp = useTmp();
const served: ServedProject[] = [];
afterEach(async () => {
  for (const s of served.splice(0)) await s.close();
});

const NOISY = 129.89999999999998; // what 129.9 becomes after a few float operations (e.g. 12.99 * 10)

async function setup() {
  const dir = tmp();
  const srv = await serveProject(dir);
  served.push(srv);
  const cat = await srv.client.call('categories.add', { name: 'cup' });
  const [imageId] = insertImages(srv.project, [{ path: join(dir, 'a.png'), width: 300, height: 200 }]);
  const exportText = async (format: 'instances' | 'results' = 'instances') => {
    const path = join(dir, `${format}.json`);
    await srv.client.call('export.coco', { path, format, include: 'pending' });
    return readFileSync(path, 'utf8');
  };
  return { dir, srv, imageId, categoryId: cat.id, exportText };
}

/** Every number with more than two decimals in the annotations of an export (instances) or the export (results). */
function longDecimals(text: string): string[] {
  const parsed = JSON.parse(text);
  const rows = Array.isArray(parsed) ? text : JSON.stringify(parsed.annotations); // `info` holds a timestamp
  return rows.match(/-?\d+\.\d{3,}/g) ?? [];
}

describe('coordinates are stored and exported at 1/100 px', () => {
  it('a box written with float noise is stored and exported rounded', async () => {
    const { srv, imageId, categoryId, exportText } = await setup();
    const r = await srv.client.call('annotations.apply', {
      imageId,
      changes: [{ op: 'create', categoryId, bbox: [NOISY, 0.1 + 0.2, 20.000000000000004, 10.004999] }],
    });
    const id = r.created[0];
    const stored = (await srv.client.call('images.get', { id: imageId })).annotations.find((a) => a.id === id)!;
    expect(stored.bbox).toEqual([129.9, 0.3, 20, 10]);
    expect(stored.area).toBe(200);

    await srv.client.call('annotations.apply', { imageId, changes: [{ op: 'update', id, patch: { bbox: [NOISY, 1.1 * 3, 12.99 * 10, 0.7 + 0.1] } }] });
    const moved = (await srv.client.call('images.get', { id: imageId })).annotations.find((a) => a.id === id)!;
    expect(moved.bbox).toEqual([129.9, 3.3, 129.9, 0.8]);

    const coco = JSON.parse(await exportText());
    expect(coco.annotations[0].bbox).toEqual([129.9, 3.3, 129.9, 0.8]);
    expect(coco.annotations[0].area).toBe(103.92);
  });

  it('rows that an older version stored with noise are exported rounded (instances and results)', async () => {
    const { srv, imageId, categoryId, exportText } = await setup();
    await srv.client.call('annotations.apply', { imageId, changes: [{ op: 'create', categoryId, bbox: [1, 2, 3, 4] }] });
    const db = srv.project.pdb.db;
    // As an older version wrote them: noise in the box, the area and a prediction.
    db.prepare(`UPDATE annotations SET x = ?, y = ?, w = ?, h = ?, area = ?`).run(NOISY, 0.1 + 0.2, 10.000000000000002, 2.675, 26.750000000000004);
    const run = insertModelRun(srv.project.pdb, { packId: 'old', packSha256: 'x', paramsJson: '{}', prompt: 'cup' }, 0);
    db.prepare(
      `INSERT INTO predictions (run_id, image_id, category_id, x, y, w, h, rle, area, score, phrase, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 0.5, 'cup', 0)`,
    ).run(run, imageId, categoryId, NOISY, 7.000000000000001, 0.30000000000000004, 5, 1.5000000000000002);

    const instances = await exportText('instances');
    expect(JSON.parse(instances).annotations[0]).toMatchObject({ bbox: [129.9, 0.3, 10, 2.68], area: 26.75 });
    expect(longDecimals(instances)).toEqual([]);
    const results = await exportText('results');
    expect(JSON.parse(results)[0].bbox).toEqual([129.9, 7, 0.3, 5]);
    expect(longDecimals(results)).toEqual([]);
  });

  it("model output is recorded at 1/100 px; a mask's box and area are the mask's own", async () => {
    const { srv, imageId, categoryId, exportText } = await setup();
    const pdb = srv.project.pdb;
    const runs = [0, 1].map((k) => insertModelRun(pdb, { packId: `p${k}`, packSha256: 'x', paramsJson: '{}', prompt: 'cup' }, 0));
    const params: JobParams = {
      packs: [
        { id: 'p0', kind: 'glip', sha256: 'x', runId: runs[0] },
        { id: 'p1', kind: 'groupvit', sha256: 'x', runId: runs[1] },
      ],
      categories: [{ id: categoryId, name: 'cup', prompt: 'cup', threshold: null }],
      threshold: null,
      fuse: true,
      overwriteHuman: false,
      target: 'test',
      signature: 'test',
    };
    const mask = encodeMask(ellipses(300, 200, [[150, 100, 30, 20]]));
    const base = { width: 300, height: 200, ep: 'cpu' as const, timings: { inferMs: 0, postMs: 0 } };
    const results: PredictionResult[] = [
      // A box with float noise, and one the fused mask refines.
      { ...base, packId: 'p0', kind: 'glip', masks: [], detections: [{ categoryId, bbox: [NOISY, 80.30000000000001, 40.00000000000001, 39.99999999999999], score: 0.8, phrase: 'cup' }] },
      // A class mask whose reported box and area are off: the mask is what counts.
      { ...base, packId: 'p1', kind: 'groupvit', detections: [], masks: [{ categoryId, rle: mask, area: 1, bbox: [0.1, 0.2, 1, 1], score: 0.7 }] },
    ];
    commitImage(pdb, insertJob(pdb, JSON.stringify(params), [imageId], 0), params, { imageId, width: 300, height: 200 }, results, null);

    const preds = pdb.db.prepare(`SELECT x, y, w, h, rle, area FROM predictions ORDER BY id`).all() as { x: number; y: number; w: number; h: number; rle: string | null; area: number }[];
    expect(preds[0]).toMatchObject({ x: 129.9, y: 80.3, w: 40, h: 40, rle: null, area: 1600 });
    const m = decodeRle(mask);
    let pixels = 0;
    let x0 = Infinity, x1 = -1, y0 = Infinity, y1 = -1;
    for (let y = 0; y < m.height; y++)
      for (let x = 0; x < m.width; x++)
        if (m.data[y * m.width + x]) {
          pixels++;
          [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
        }
    expect(preds[1]).toMatchObject({ x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1, area: pixels });

    // The fused annotation: the mask cut to the box, its box the cut mask's box.
    const [a] = (await srv.client.call('images.get', { id: imageId })).annotations;
    const cut = decodeRle(a.rle!);
    let cx0 = Infinity, cx1 = -1, cy0 = Infinity, cy1 = -1, cut_n = 0;
    for (let y = 0; y < cut.height; y++)
      for (let x = 0; x < cut.width; x++)
        if (cut.data[y * cut.width + x]) {
          cut_n++;
          [cx0, cx1, cy0, cy1] = [Math.min(cx0, x), Math.max(cx1, x), Math.min(cy0, y), Math.max(cy1, y)];
        }
    expect(a).toMatchObject({ bbox: [cx0, cy0, cx1 - cx0 + 1, cy1 - cy0 + 1], area: cut_n, state: 'pending', source: 'model' });
    expect(longDecimals(await exportText('results'))).toEqual([]);
  });
});
