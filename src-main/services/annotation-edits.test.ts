import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTmp } from '../testing/tmp';
import { encodeMask } from '../shared/masks';
import { ProjectService } from './project-service';
import { insertImages, insertPredictions } from '../testing/workspace-fixture';

const tmp = useTmp();

function setup() {
  const svc = ProjectService.create(join(tmp(), 'p.lw'));
  const [img, other] = insertImages(svc, [{ path: '/d/a.png', width: 100, height: 80 }, { path: '/d/b.png' }]);
  const [red, blue] = svc.addCategories([{ name: 'red' }, { name: 'blue' }]).map((c) => c.id);
  const [[pred, ann]] = insertPredictions(svc, [{ imageId: img, categoryId: red, bbox: [10, 10, 20, 20], score: 0.9 }]);
  return { svc, img, other, red, blue, pred, ann: ann! };
}

const row = (svc: ProjectService, id: number) =>
  svc.pdb.db.prepare(`SELECT * FROM annotations WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
const image = (svc: ProjectService, id: number) =>
  svc.pdb.db.prepare(`SELECT status, human_touched_at, annotation_count, pending_count, top_score FROM images WHERE id = ?`).get(id) as {
    status: string;
    human_touched_at: number | null;
    annotation_count: number;
    pending_count: number;
    top_score: number | null;
  };

describe('annotations.apply', () => {
  it('accepting keeps source model; editing geometry makes it model-edited and keeps the prediction link', () => {
    const { svc, img, ann, pred } = setup();
    expect(image(svc, img).status).toBe('prelabeled');
    let r = svc.applyAnnotationChanges(img, [{ op: 'update', id: ann, patch: { state: 'accepted' } }]);
    expect(r.annotations[0]).toMatchObject({ id: ann, source: 'model', state: 'accepted', predictionId: pred });
    expect(r.status).toBe('in_progress');
    expect(image(svc, img).human_touched_at).toBeGreaterThan(0);

    r = svc.applyAnnotationChanges(img, [{ op: 'update', id: ann, patch: { bbox: [12, 10, 30, 20] } }]);
    expect(r.annotations[0]).toMatchObject({ source: 'model-edited', bbox: [12, 10, 30, 20], area: 600, predictionId: pred });
  });

  it('undo restores the source: an update that sets source wins over the automatic model-edited', () => {
    const { svc, img, ann } = setup();
    svc.applyAnnotationChanges(img, [{ op: 'update', id: ann, patch: { bbox: [0, 0, 5, 5], state: 'accepted' } }]);
    expect(row(svc, ann)!.source).toBe('model-edited');
    const r = svc.applyAnnotationChanges(img, [{ op: 'update', id: ann, patch: { bbox: [10, 10, 20, 20], state: 'pending', source: 'model' } }]);
    expect(r.annotations[0]).toMatchObject({ source: 'model', state: 'pending', bbox: [10, 10, 20, 20] });
  });

  it('relabeling a model annotation is an edit; rejecting is a state', () => {
    const { svc, img, ann, blue } = setup();
    svc.applyAnnotationChanges(img, [{ op: 'update', id: ann, patch: { categoryId: blue } }]);
    expect(row(svc, ann)).toMatchObject({ source: 'model-edited', category_id: blue });
    svc.applyAnnotationChanges(img, [{ op: 'update', id: ann, patch: { state: 'rejected' } }]);
    expect(row(svc, ann)).toMatchObject({ state: 'rejected' });
    expect(image(svc, img)).toMatchObject({ annotation_count: 0, pending_count: 0, top_score: null });
  });

  it('delete then create-with-id restores the annotation under its old id', () => {
    const { svc, img, ann, red, pred } = setup();
    const before = svc.imageDetail(img).annotations[0];
    svc.applyAnnotationChanges(img, [{ op: 'delete', id: ann }]);
    expect(row(svc, ann)).toBeUndefined();
    expect(image(svc, img)).toMatchObject({ annotation_count: 0, pending_count: 0, top_score: null });
    const r = svc.applyAnnotationChanges(img, [
      { op: 'create', id: ann, categoryId: red, bbox: before.bbox, source: 'model', state: 'pending', predictionId: pred, score: 0.9 },
    ]);
    expect(r.created).toEqual([ann]);
    expect(r.annotations).toEqual([before]);
    expect(image(svc, img)).toMatchObject({ annotation_count: 1, pending_count: 1, top_score: 0.9 });
    // the id is taken now: a second restore is a conflict
    expect(() => svc.applyAnnotationChanges(img, [{ op: 'create', id: ann, categoryId: red, bbox: [0, 0, 1, 1] }])).toThrow(/taken/);
  });

  it('a batch is one transaction: a failing change leaves nothing applied', () => {
    const { svc, img, ann, red } = setup();
    const snapshot = JSON.stringify(svc.imageDetail(img));
    const status = image(svc, img);
    expect(() =>
      svc.applyAnnotationChanges(img, [
        { op: 'update', id: ann, patch: { state: 'accepted' } },
        { op: 'create', categoryId: red, bbox: [1, 1, 5, 5] },
        { op: 'delete', id: 999 },
      ]),
    ).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('changes.2') }));
    expect(JSON.stringify(svc.imageDetail(img))).toBe(snapshot);
    expect(image(svc, img)).toEqual(status);
  });

  it('refuses annotations of another image and unknown categories', () => {
    const { svc, other, ann, img } = setup();
    expect(() => svc.applyAnnotationChanges(other, [{ op: 'delete', id: ann }])).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => svc.applyAnnotationChanges(img, [{ op: 'create', categoryId: 99, bbox: [1, 1, 2, 2] }])).toThrow(/no category with id 99/);
  });

  it('clips boxes to the image and rejects boxes wholly outside it', () => {
    const { svc, img, red } = setup();
    const r = svc.applyAnnotationChanges(img, [{ op: 'create', categoryId: red, bbox: [-5, 70, 20, 30] }]);
    const created = r.annotations.find((a) => a.id === r.created[0])!;
    expect(created).toMatchObject({ bbox: [0, 70, 15, 10], area: 150, source: 'human', state: 'accepted' });
    expect(() => svc.applyAnnotationChanges(img, [{ op: 'create', categoryId: red, bbox: [200, 10, 5, 5] }])).toThrow(/outside the 100×80 image/);
  });

  it('stores masks as RLE counts with their pixel area, checking the size against the image', () => {
    const { svc, img, red } = setup();
    const data = new Uint8Array(100 * 80);
    for (let y = 10; y < 20; y++) for (let x = 30; x < 37; x++) data[y * 100 + x] = 1;
    // encodeMask takes the mask column-major as COCO does; the area is the pixel count either way
    const rle = encodeMask({ width: 100, height: 80, data });
    const r = svc.applyAnnotationChanges(img, [{ op: 'create', categoryId: red, bbox: [30, 10, 7, 10], rle }]);
    const a = r.annotations.find((x) => x.id === r.created[0])!;
    expect(a.rle).toEqual({ size: [80, 100], counts: rle.counts });
    expect(a.area).toBe(70);
    expect(() =>
      svc.applyAnnotationChanges(img, [{ op: 'create', categoryId: red, bbox: [1, 1, 2, 2], rle: { size: [100, 80], counts: rle.counts } }]),
    ).toThrow(/must equal the image's \[height, width\] = \[80, 100\]/);
  });

  it('keeps a reviewed image reviewed, and setStatus marks it human-touched', () => {
    const { svc, other, red } = setup();
    expect(image(svc, other).human_touched_at).toBeNull();
    svc.setReviewStatus(other, 'reviewed');
    expect(image(svc, other).human_touched_at).toBeGreaterThan(0);
    const r = svc.applyAnnotationChanges(other, [{ op: 'create', categoryId: red, bbox: [1, 1, 2, 2] }]);
    expect(r.status).toBe('reviewed');
  });
});
