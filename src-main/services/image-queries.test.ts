import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTmp } from '../testing/tmp';
import { ProjectService } from './project-service';
import { insertImages, insertPredictions } from '../testing/workspace-fixture';

const tmp = useTmp();

/**
 * a: red 0.9 (pending) + blue 0.3 (pending)  → top 0.9, pending 2
 * b: red 0.2 (accepted below)                → top 0.2
 * c: nothing                                 → top null
 * d: blue 0.5 (rejected below)               → top null (rejected output does not count)
 * e: red 0.6 (pending)                       → top 0.6
 */
function setup() {
  const svc = ProjectService.create(join(tmp(), 'p.lw'));
  const [a, b, c, d, e] = insertImages(svc, ['a', 'b', 'c', 'd', 'e'].map((n) => ({ path: `/data/${n}.jpg` })));
  const [red, blue] = svc.addCategories([{ name: 'red' }, { name: 'blue' }]).map((x) => x.id);
  const ids = insertPredictions(svc, [
    { imageId: a, categoryId: red, bbox: [1, 1, 10, 10], score: 0.9 },
    { imageId: a, categoryId: blue, bbox: [1, 1, 10, 10], score: 0.3 },
    { imageId: b, categoryId: red, bbox: [1, 1, 10, 10], score: 0.2 },
    { imageId: d, categoryId: blue, bbox: [1, 1, 10, 10], score: 0.5 },
    { imageId: e, categoryId: red, bbox: [1, 1, 10, 10], score: 0.6 },
  ]);
  svc.applyAnnotationChanges(b, [{ op: 'update', id: ids[2][1]!, patch: { state: 'accepted' } }]);
  svc.applyAnnotationChanges(d, [{ op: 'update', id: ids[3][1]!, patch: { state: 'rejected' } }]);
  svc.setReviewStatus(c, 'reviewed');
  return { svc, a, b, c, d, e, red, blue };
}

const names = (svc: ProjectService, q: Parameters<ProjectService['queryImages']>[0]) => svc.queryImages(q).items.map((i) => i.name);

describe('images.query', () => {
  it('pages in name order with a total and per-image counts', () => {
    const { svc } = setup();
    const page = svc.queryImages({ limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page.items.map((i) => i.name)).toEqual(['b.jpg', 'c.jpg']);
    const all = svc.queryImages({});
    expect(all.items[0]).toMatchObject({ name: 'a.jpg', annotations: 2, pending: 2, topScore: 0.9, status: 'prelabeled', width: 100, height: 80 });
    expect(all.items[1]).toMatchObject({ name: 'b.jpg', annotations: 1, pending: 0, topScore: 0.2, status: 'in_progress' });
    expect(all.items[3]).toMatchObject({ name: 'd.jpg', annotations: 0, pending: 0, topScore: null });
  });

  it('sorts by uncertainty: lowest top score first, images without model output last', () => {
    const { svc } = setup();
    expect(names(svc, { sort: 'uncertainty' })).toEqual(['b.jpg', 'e.jpg', 'a.jpg', 'c.jpg', 'd.jpg']);
  });

  it('filters by status, category, pending and minimum score (combined)', () => {
    const { svc, blue, red } = setup();
    expect(names(svc, { status: ['reviewed'] })).toEqual(['c.jpg']);
    expect(names(svc, { status: ['prelabeled', 'in_progress'] })).toEqual(['a.jpg', 'b.jpg', 'd.jpg', 'e.jpg']);
    expect(names(svc, { categoryId: blue })).toEqual(['a.jpg']); // d's blue was rejected
    expect(names(svc, { hasPending: true })).toEqual(['a.jpg', 'e.jpg']);
    expect(names(svc, { hasPending: false })).toEqual(['b.jpg', 'c.jpg', 'd.jpg']);
    expect(names(svc, { minScore: 0.5 })).toEqual(['a.jpg', 'e.jpg']);
    const q = svc.queryImages({ categoryId: red, minScore: 0.5, sort: 'uncertainty' });
    expect(q.total).toBe(2);
    expect(q.items.map((i) => i.name)).toEqual(['e.jpg', 'a.jpg']);
  });

  it('keeps counters right through edits, deletes and category removal', () => {
    const { svc, a, red } = setup();
    const detail = svc.imageDetail(a);
    const top = detail.annotations.find((x) => x.score === 0.9)!;
    svc.applyAnnotationChanges(a, [{ op: 'delete', id: top.id }]);
    expect(svc.queryImages({}).items[0]).toMatchObject({ annotations: 1, pending: 1, topScore: 0.3 });
    svc.removeCategory(red, { force: true });
    expect(svc.queryImages({ sort: 'uncertainty' }).items.map((i) => [i.name, i.topScore])).toEqual([
      ['a.jpg', 0.3],
      ['b.jpg', null],
      ['c.jpg', null],
      ['d.jpg', null],
      ['e.jpg', null],
    ]);
  });
});

describe('images.get and navigation', () => {
  it('returns the image with its annotations and prev/next in name order', () => {
    const { svc, a, b, c, e } = setup();
    const d = svc.imageDetail(b);
    expect(d.image).toMatchObject({ id: b, name: 'b.jpg', path: '/data/b.jpg', width: 100, height: 80 });
    expect(d.annotations).toHaveLength(1);
    expect([d.prevId, d.nextId]).toEqual([a, c]);
    expect(svc.imageDetail(a).prevId).toBeNull();
    expect(svc.imageDetail(e).nextId).toBeNull();
    expect(() => svc.imageDetail(999)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('nextUnreviewed skips reviewed images and wraps around', () => {
    const { svc, a, b, c, d, e } = setup();
    expect(svc.nextUnreviewed(b)).toBe(d); // c is reviewed
    expect(svc.nextUnreviewed(e)).toBe(a); // wraps
    for (const id of [a, b, d]) svc.setReviewStatus(id, 'reviewed');
    expect(svc.nextUnreviewed(e)).toBeNull();
    expect(svc.nextUnreviewed(a)).toBe(e);
    void c;
  });
});
