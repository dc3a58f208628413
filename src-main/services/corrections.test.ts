import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTmp } from '../testing/tmp';
import { ProjectService } from './project-service';
import { insertImages, insertPredictions } from '../testing/workspace-fixture';
import { makeJobImages } from '../testing/job-projects';
import { runCli } from '../testing/cli';
import { serveProject } from '../testing/served-project';
import { correctionReportByModel } from './corrections';

const tmp = useTmp();

describe('report.corrections', () => {
  it('counts accepted-unchanged, edited (with mean IoU), rejected, pending and human-added per category', () => {
    const svc = ProjectService.create(join(tmp(), 'p.lw'));
    const [img] = insertImages(svc, [{ path: '/d/a.png', width: 200, height: 200 }]);
    const [red, blue, green] = svc.addCategories([{ name: 'red' }, { name: 'blue' }, { name: 'green' }]).map((c) => c.id);
    const p = insertPredictions(svc, [
      { imageId: img, categoryId: red, bbox: [0, 0, 10, 10], score: 0.9 }, // accept unchanged
      { imageId: img, categoryId: red, bbox: [0, 0, 10, 10], score: 0.8 }, // edit: widen to 20 → IoU 0.5
      { imageId: img, categoryId: red, bbox: [50, 50, 10, 10], score: 0.7 }, // relabel to blue → IoU 1, counted under red
      { imageId: img, categoryId: red, bbox: [0, 0, 5, 5], score: 0.4 }, // reject
      { imageId: img, categoryId: blue, bbox: [0, 0, 5, 5], score: 0.6 }, // stays pending
      { imageId: img, categoryId: blue, bbox: [0, 0, 5, 5], score: 0.6, apply: false }, // never applied: not counted
    ]);
    const a = p.map(([, id]) => id!);
    svc.applyAnnotationChanges(img, [
      { op: 'update', id: a[0], patch: { state: 'accepted' } },
      { op: 'update', id: a[1], patch: { bbox: [0, 0, 20, 10], state: 'accepted' } },
      { op: 'update', id: a[2], patch: { categoryId: blue, state: 'accepted' } },
      { op: 'update', id: a[3], patch: { state: 'rejected' } },
      { op: 'create', categoryId: green, bbox: [100, 100, 10, 10] },
      { op: 'create', categoryId: blue, bbox: [120, 100, 10, 10] },
    ]);
    const report = svc.correctionReport();
    expect(report).toEqual([
      { categoryId: red, name: 'red', predictions: 4, acceptedUnchanged: 1, edited: 2, editedMeanIou: 0.75, rejected: 1, pending: 0, humanAdded: 0, auditLikelyMissing: 0, auditDoubtful: 0 },
      { categoryId: blue, name: 'blue', predictions: 1, acceptedUnchanged: 0, edited: 0, editedMeanIou: null, rejected: 0, pending: 1, humanAdded: 1, auditLikelyMissing: 0, auditDoubtful: 0 },
      { categoryId: green, name: 'green', predictions: 0, acceptedUnchanged: 0, edited: 0, editedMeanIou: null, rejected: 0, pending: 0, humanAdded: 1, auditLikelyMissing: 0, auditDoubtful: 0 },
    ]);
  });
});

describe('report.correctionsByModel', () => {
  it('counts each pack\'s output by the same rules, through the read thread', async () => {
    const d = tmp();
    // Four planted squares (img000 blue, img001 red, img002 blue, img003 red): the first two
    // are pre-labeled by GLIP, the other two, added later, by Pix2seq (`--images unlabeled`).
    await makeJobImages(join(d, 'all'), 4);
    for (const [dir, names] of [['a', ['img000', 'img001']], ['b', ['img002', 'img003']]] as const) {
      mkdirSync(join(d, dir));
      for (const n of names) renameSync(join(d, 'all', `${n}.png`), join(d, dir, `${n}.png`));
    }
    const p = join(d, 'p.lw');
    for (const args of [
      ['init', p],
      ['add', p, join(d, 'a')],
      ['categories', p, 'add', 'red,blue'],
      ['prelabel', p, '--pack', 'glip-fixture'],
      ['add', p, join(d, 'b')],
      ['prelabel', p, '--pack', 'pix2seq-fixture'],
    ]) {
      const r = runCli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }

    const served = await serveProject(join(d, 'served'));
    try {
      const { client } = served;
      await client.call('project.open', { path: p });
      const page = await client.call('images.query', { limit: 10 });
      const byName = new Map(page.items.map((i) => [i.name.replace(/\.png$/, ''), i.id]));
      const only = async (name: string) => {
        const { annotations } = await client.call('images.get', { id: byName.get(name)! });
        // each fixture found the one square: one pending model annotation per image
        expect(annotations.map((a) => [a.source, a.state])).toEqual([['model', 'pending']]);
        return annotations[0];
      };
      const [g0, g1, x2] = [await only('img000'), await only('img001'), await only('img002')];
      await only('img003');
      await client.call('annotations.apply', { imageId: g0.imageId, changes: [{ op: 'update', id: g0.id, patch: { state: 'accepted' } }] });
      await client.call('annotations.apply', { imageId: g1.imageId, changes: [{ op: 'update', id: g1.id, patch: { state: 'rejected' } }] });
      // twice as wide, same corner and height: IoU with the predicted box is exactly 1/2
      const [x, y, w, h] = x2.bbox;
      await client.call('annotations.apply', { imageId: x2.imageId, changes: [{ op: 'update', id: x2.id, patch: { bbox: [x, y, 2 * w, h], state: 'accepted' } }] });
      // a person's box counts for no model
      await client.call('annotations.apply', { imageId: x2.imageId, changes: [{ op: 'create', categoryId: x2.categoryId, bbox: [1, 1, 5, 5] }] });

      const report = await client.call('report.correctionsByModel', {});
      expect(report).toEqual([
        { packId: 'glip-fixture', predictions: 2, acceptedUnchanged: 1, edited: 0, editedMeanIou: null, rejected: 1, pending: 0 },
        { packId: 'pix2seq-fixture', predictions: 2, acceptedUnchanged: 0, edited: 1, editedMeanIou: expect.closeTo(0.5, 9), rejected: 0, pending: 1 },
      ]);
      // the per-category report counts the same decisions (blue: img000, img002; red: img001, img003)
      const perCategory = await client.call('report.corrections', {});
      expect(perCategory.map(({ name, predictions, acceptedUnchanged, edited, rejected, pending, humanAdded }) => ({ name, predictions, acceptedUnchanged, edited, rejected, pending, humanAdded }))).toEqual([
        { name: 'red', predictions: 2, acceptedUnchanged: 0, edited: 0, rejected: 1, pending: 1, humanAdded: 0 },
        { name: 'blue', predictions: 2, acceptedUnchanged: 1, edited: 1, rejected: 0, pending: 0, humanAdded: 1 },
      ]);
    } finally {
      await served.close();
    }
  }, 180_000);

  it('counts output whose prediction row is gone under an unknown model, last, without an IoU', () => {
    const svc = ProjectService.create(join(tmp(), 'p.lw'));
    const [img] = insertImages(svc, [{ path: '/d/a.png', width: 200, height: 200 }]);
    const [red] = svc.addCategories([{ name: 'red' }]).map((c) => c.id);
    // each call records its own run of glip-fixture
    const kept = insertPredictions(svc, [{ imageId: img, categoryId: red, bbox: [0, 0, 10, 10], score: 0.9 }]);
    const lost = insertPredictions(svc, [
      { imageId: img, categoryId: red, bbox: [20, 20, 10, 10], score: 0.8 },
      { imageId: img, categoryId: red, bbox: [40, 40, 10, 10], score: 0.7 },
    ]);
    svc.applyAnnotationChanges(img, [
      { op: 'update', id: kept[0][1]!, patch: { state: 'accepted' } },
      { op: 'update', id: lost[0][1]!, patch: { state: 'rejected' } },
      { op: 'update', id: lost[1][1]!, patch: { bbox: [40, 40, 20, 10], state: 'accepted' } },
    ]);
    // no command deletes a run; a project edited by hand (or by older tools) can lack one
    const { maxRun } = svc.pdb.db.prepare(`SELECT max(id) AS maxRun FROM runs`).get() as { maxRun: number };
    svc.pdb.db.prepare(`DELETE FROM runs WHERE id = ?`).run(maxRun);
    expect(correctionReportByModel(svc.pdb)).toEqual([
      { packId: 'glip-fixture', predictions: 1, acceptedUnchanged: 1, edited: 0, editedMeanIou: null, rejected: 0, pending: 0 },
      { packId: null, predictions: 2, acceptedUnchanged: 0, edited: 1, editedMeanIou: null, rejected: 1, pending: 0 },
    ]);
  });
});

describe('categories.merge', () => {
  it('moves annotations, removes the source category, and keeps every prediction', () => {
    const svc = ProjectService.create(join(tmp(), 'p.lw'));
    const [img] = insertImages(svc, [{ path: '/d/a.png' }]);
    const [car, auto, truck] = svc.addCategories([{ name: 'car' }, { name: 'automobile' }, { name: 'truck' }]).map((c) => c.id);
    insertPredictions(svc, [
      { imageId: img, categoryId: auto, bbox: [0, 0, 10, 10], score: 0.9 },
      { imageId: img, categoryId: auto, bbox: [5, 5, 10, 10], score: 0.5, apply: false },
      { imageId: img, categoryId: car, bbox: [20, 20, 10, 10], score: 0.8 },
      { imageId: img, categoryId: truck, bbox: [30, 30, 10, 10], score: 0.7 },
    ]);
    svc.applyAnnotationChanges(img, [{ op: 'create', categoryId: auto, bbox: [1, 1, 3, 3] }]);
    const predictionsBefore = svc.pdb.db.prepare(`SELECT id, x, y, w, h, score, run_id FROM predictions ORDER BY id`).all();

    expect(svc.mergeCategories(auto, car)).toEqual({ moved: 2 });
    expect(svc.listCategories().map((c) => c.name)).toEqual(['car', 'truck']);
    const db = svc.pdb.db;
    expect(db.prepare(`SELECT id, x, y, w, h, score, run_id FROM predictions ORDER BY id`).all()).toEqual(predictionsBefore);
    expect(db.prepare(`SELECT category_id, merged_from FROM predictions ORDER BY id`).all()).toEqual([
      { category_id: car, merged_from: auto },
      { category_id: car, merged_from: auto },
      { category_id: car, merged_from: null },
      { category_id: truck, merged_from: null },
    ]);
    expect(db.prepare(`SELECT count(*) AS n FROM annotations WHERE category_id = ?`).get(car)).toEqual({ n: 3 });
    // a chain of merges keeps the original category
    svc.mergeCategories(car, truck);
    expect(db.prepare(`SELECT merged_from FROM predictions ORDER BY id`).all()).toEqual([
      { merged_from: auto },
      { merged_from: auto },
      { merged_from: car },
      { merged_from: null },
    ]);
    expect(svc.categoriesWithCounts()).toEqual([expect.objectContaining({ id: truck, annotations: 4, images: 1 })]);
    // predictions stay immutable otherwise
    expect(() => db.prepare(`UPDATE predictions SET score = 0.1 WHERE id = 1`).run()).toThrow(/immutable/);
    expect(() => svc.mergeCategories(truck, truck)).toThrow(/into itself/);
  });

  it('refuses re-pointing predictions outside a recorded merge', () => {
    const svc = ProjectService.create(join(tmp(), 'p.lw'));
    const [img] = insertImages(svc, [{ path: '/d/a.png' }]);
    const [a, b] = svc.addCategories([{ name: 'a' }, { name: 'b' }]).map((c) => c.id);
    insertPredictions(svc, [{ imageId: img, categoryId: a, bbox: [0, 0, 1, 1], score: 0.5 }]);
    expect(() => svc.pdb.db.prepare(`UPDATE predictions SET category_id = ?, merged_from = ?`).run(b, a)).toThrow(/immutable/);
  });
});
