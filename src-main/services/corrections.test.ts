import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTmp } from '../testing/tmp';
import { ProjectService } from './project-service';
import { insertImages, insertPredictions } from '../testing/workspace-fixture';

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
      { categoryId: red, name: 'red', predictions: 4, acceptedUnchanged: 1, edited: 2, editedMeanIou: 0.75, rejected: 1, pending: 0, humanAdded: 0 },
      { categoryId: blue, name: 'blue', predictions: 1, acceptedUnchanged: 0, edited: 0, editedMeanIou: null, rejected: 0, pending: 1, humanAdded: 1 },
      { categoryId: green, name: 'green', predictions: 0, acceptedUnchanged: 0, edited: 0, editedMeanIou: null, rejected: 0, pending: 0, humanAdded: 1 },
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
