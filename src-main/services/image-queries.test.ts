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

  it('sorts by uncertainty: the pending prediction nearest its threshold first, images without pending output last', () => {
    const { svc } = setup();
    // Thresholds: none set, so the default 0.5 for both. Pending distances |score − 0.5|:
    // a: red 0.9 → 0.4, blue 0.3 → 0.2 → 0.2;  e: red 0.6 → 0.1.  b (accepted), c (none) and
    // d (rejected) have no pending prediction: last, in name order.
    expect(names(svc, { sort: 'uncertainty' })).toEqual(['e.jpg', 'a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']);
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
    for (const id of [a, b, d]) svc.setReviewStatus(id, 'reviewed', 'accept');
    expect(svc.nextUnreviewed(e)).toBeNull();
    expect(svc.nextUnreviewed(a)).toBe(e);
    void c;
  });
});

/**
 * Hand-made triage set. Thresholds: red 0.8, blue none (the default 0.5), green 0.3.
 *   a: red 0.95 pending (|0.95−0.8| = 0.15), blue 0.9 pending (|0.9−0.5| = 0.4)  → 0.15
 *   b: blue 0.55 pending (0.05)                                                    → 0.05
 *   c: green 0.9 pending (0.6)                                                     → 0.6
 *   d: red 0.82 accepted (decided: ignored), green 0.4 pending (0.1)               → 0.1
 *   e: no model output                                                             → last
 *   f: red 0.99 rejected (decided: ignored)                                        → last
 * Most uncertain first: b, d, a, c, then e, f by name. (By top score, the old order, a's
 * 0.95 put it after c's 0.9.)
 */
function triage() {
  const svc = ProjectService.create(join(tmp(), 't.lw'));
  const [a, b, c, d, e, f] = insertImages(svc, ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({ path: `/data/${n}.jpg` })));
  const [red, blue, green] = svc.addCategories([{ name: 'red' }, { name: 'blue' }, { name: 'green' }]).map((x) => x.id);
  svc.updateCategory(red, { threshold: 0.8 });
  svc.updateCategory(green, { threshold: 0.3 });
  const box = [1, 1, 10, 10] as [number, number, number, number];
  const ids = insertPredictions(svc, [
    { imageId: a, categoryId: red, bbox: box, score: 0.95 },
    { imageId: a, categoryId: blue, bbox: box, score: 0.9 },
    { imageId: b, categoryId: blue, bbox: box, score: 0.55 },
    { imageId: c, categoryId: green, bbox: box, score: 0.9 },
    { imageId: d, categoryId: red, bbox: box, score: 0.82 },
    { imageId: d, categoryId: green, bbox: box, score: 0.4 },
    { imageId: f, categoryId: red, bbox: box, score: 0.99 },
  ]);
  svc.applyAnnotationChanges(d, [{ op: 'update', id: ids[4][1]!, patch: { state: 'accepted' } }]);
  svc.applyAnnotationChanges(f, [{ op: 'update', id: ids[6][1]!, patch: { state: 'rejected' } }]);
  return { svc, a, b, c, d, e, f, red, blue, green, bBlue: ids[2][1]! };
}

describe('uncertainty order (per-category thresholds)', () => {
  it('ranks by the pending prediction nearest its own threshold', () => {
    const { svc } = triage();
    expect(names(svc, { sort: 'uncertainty' })).toEqual(['b.jpg', 'd.jpg', 'a.jpg', 'c.jpg', 'e.jpg', 'f.jpg']);
    expect(names(svc, { sort: 'uncertainty', limit: 2, offset: 2 })).toEqual(['a.jpg', 'c.jpg']);
  });

  it('follows threshold changes and decisions', () => {
    const { svc, a, b, blue, bBlue } = triage();
    // blue's threshold 0.9: a's blue 0.9 sits on it (0) and b's 0.55 moves away (0.35).
    svc.updateCategory(blue, { threshold: 0.9 });
    expect(names(svc, { sort: 'uncertainty' })).toEqual(['a.jpg', 'd.jpg', 'b.jpg', 'c.jpg', 'e.jpg', 'f.jpg']);
    // b's only pending prediction decided: b has nothing left to triage and goes last, by name.
    svc.applyAnnotationChanges(b, [{ op: 'update', id: bBlue, patch: { state: 'accepted' } }]);
    expect(names(svc, { sort: 'uncertainty' })).toEqual(['a.jpg', 'd.jpg', 'c.jpg', 'b.jpg', 'e.jpg', 'f.jpg']);
    void a;
  });
});

describe('navigation follows the grid (defect 8)', () => {
  /** Reviewed before the model ran (an old project): a, c, d, e. Name order a, c, d, e; uncertainty d, a, c, e. */
  function reviewedSet() {
    const svc = ProjectService.create(join(tmp(), 'n.lw'));
    const [a, b, c, d, e, f] = insertImages(svc, ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({ path: `/data/${n}.jpg` })));
    for (const id of [a, c, d, e]) svc.setReviewStatus(id, 'reviewed');
    const [red, , green] = svc.addCategories([{ name: 'red' }, { name: 'blue' }, { name: 'green' }]).map((x) => x.id);
    svc.updateCategory(red, { threshold: 0.8 });
    svc.updateCategory(green, { threshold: 0.3 });
    const box = [1, 1, 10, 10] as [number, number, number, number];
    insertPredictions(svc, [
      { imageId: a, categoryId: red, bbox: box, score: 0.95 }, // 0.15
      { imageId: b, categoryId: red, bbox: box, score: 0.85 }, // 0.05
      { imageId: c, categoryId: green, bbox: box, score: 0.9 }, // 0.6
      { imageId: d, categoryId: green, bbox: box, score: 0.4 }, // 0.1
    ]);
    return { svc, a, b, c, d, e, f };
  }

  it('images.get with a status filter gives prev/next only among those images, in the asked order', () => {
    const { svc, a, b, c, d, e } = reviewedSet();
    const reviewed = { status: ['reviewed' as const] };
    const nav = (id: number, q?: Parameters<ProjectService['imageDetail']>[1]) => {
      const x = svc.imageDetail(id, q);
      return [x.prevId, x.nextId];
    };
    expect(nav(c)).toEqual([b, d]); // no query: all images by name
    expect(nav(c, reviewed)).toEqual([a, d]); // b is not reviewed
    expect(nav(a, reviewed)).toEqual([null, c]);
    expect(nav(e, reviewed)).toEqual([d, null]);
    // Uncertainty among the reviewed: d (0.1), a (0.15), c (0.6), e (none).
    expect(nav(d, { ...reviewed, sort: 'uncertainty' })).toEqual([null, a]);
    expect(nav(c, { ...reviewed, sort: 'uncertainty' })).toEqual([a, e]);
    expect(nav(e, { ...reviewed, sort: 'uncertainty' })).toEqual([c, null]);
    // The same order as the grid's list.
    expect(svc.queryImages({ ...reviewed, sort: 'uncertainty' }).items.map((i) => i.id)).toEqual([d, a, c, e]);
  });

  it('an image the filter no longer keeps still has its place', () => {
    const { svc, a, b, c } = reviewedSet();
    // b is not reviewed, yet opened under the "reviewed" filter (it was, a moment ago): a before, c after.
    const x = svc.imageDetail(b, { status: ['reviewed'] });
    expect([x.prevId, x.nextId]).toEqual([a, c]);
  });

  it('next unreviewed walks the query order and wraps', () => {
    const { svc, a, b, f } = reviewedSet();
    expect(svc.nextUnreviewed(a)).toBe(b); // name order
    // Uncertainty: b (0.05), d, a, c, e, f: after a come c and e (reviewed), then f.
    expect(svc.nextUnreviewed(a, { sort: 'uncertainty' })).toBe(f);
    expect(svc.nextUnreviewed(f, { sort: 'uncertainty' })).toBe(b); // wraps to the start
    expect(svc.nextUnreviewed(a, { status: ['reviewed'] })).toBeNull(); // nothing unreviewed in the query
    expect(svc.nextUnreviewed(a, { hasPending: true })).toBe(b); // f has no pending: out of the query
    expect(svc.nextUnreviewed(b, { hasPending: true })).toBeNull(); // b is the only one
  });

  it("an explicit order (a search's hits) is walked as given: filters ignored, unknown ids passed over, next unreviewed in that order", () => {
    const { svc, a, b, c, d, e, f } = reviewedSet();
    const order = [e, 9999, b, a, f, c]; // 9999: no such image; d is not in the list
    const nav = (id: number) => {
      const x = svc.imageDetail(id, { status: ['unlabeled'], order });
      return [x.prevId, x.nextId];
    };
    expect(nav(e)).toEqual([null, b]); // 9999 passed over; the status filter does not apply
    expect(nav(b)).toEqual([e, a]);
    expect(nav(c)).toEqual([f, null]);
    expect(nav(d)).toEqual([null, null]); // opened from elsewhere: the list has no place for it
    // a, c, d, e are reviewed: after e comes b; after b, f; after f it wraps past c and e to b.
    expect(svc.nextUnreviewed(e, { order })).toBe(b);
    expect(svc.nextUnreviewed(b, { order })).toBe(f);
    expect(svc.nextUnreviewed(f, { order })).toBe(b);
    expect(svc.nextUnreviewed(d, { order })).toBe(b); // not in the list: from its start
    expect(svc.nextUnreviewed(b, { order: [b, a, c] })).toBeNull(); // nothing else unreviewed in it
    expect(() => svc.imageDetail(a, { order: Array.from({ length: 5001 }, (_, i) => i + 1) })).toThrow();
  });
});
