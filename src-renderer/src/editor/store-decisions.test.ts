import { describe, expect, it } from 'vitest';
import { useServedImage } from '../../../src-main/testing/served-project';
import { EditorStore } from './store';

// Decisions and failures (issue 9) against the real services over the in-memory pair.
const project = useServedImage();

async function open(scores: number[]) {
  const p = await project(scores);
  const store = new EditorStore(p.srv.client);
  store.setCategories(p.categories);
  await store.load(p.imageId);
  return { p, store };
}

describe('editing a prediction decides it', () => {
  it('a moved prediction is accepted and model-edited; "reject rest" leaves it; undo makes it pending again', async () => {
    const { p, store } = await open([0.9, 0.8, 0.7]);
    const [edited, a, b] = p.preds;
    store.setBox(edited, [12, 10, 20, 20]);
    expect(store.get().annotations.find((x) => x.id === edited)).toMatchObject({
      state: 'accepted',
      source: 'model-edited',
    });
    store.rejectPending();
    await store.idle();
    expect((await p.rows()).map((r) => [r.id, r.state, r.source])).toEqual([
      [edited, 'accepted', 'model-edited'],
      [a, 'rejected', 'model'],
      [b, 'rejected', 'model'],
    ]);
    store.undo();
    store.undo();
    await store.idle();
    expect((await p.rows()).map((r) => [r.state, r.source])).toEqual([
      ['pending', 'model'],
      ['pending', 'model'],
      ['pending', 'model'],
    ]);
  });

  it('restores a rejected annotation as it was, also in a fresh editor (after a reload)', async () => {
    const { p, store } = await open([0.9, 0.8]);
    const [edited, untouched] = p.preds;
    store.setBox(edited, [12, 10, 20, 20]);
    store.set({ selectedId: edited });
    store.deleteSelected(); // model output: rejected, not deleted
    store.set({ selectedId: untouched });
    store.rejectSelected();
    await store.idle();
    expect((await p.rows()).map((r) => r.state)).toEqual(['rejected', 'rejected']);

    const fresh = new EditorStore(p.srv.client);
    await fresh.load(p.imageId);
    fresh.restore(edited);
    fresh.restore(untouched);
    await fresh.idle();
    expect((await p.rows()).map((r) => [r.state, r.source])).toEqual([
      ['accepted', 'model-edited'],
      ['pending', 'model'],
    ]);
  });
});

describe('review means decided', () => {
  it('with pending predictions Space asks first; the choice goes to the service with the status', async () => {
    const { p, store } = await open([0.9, 0.3]);
    await store.markReviewedAndNext();
    expect(store.get().reviewPrompt).toBe(2);
    expect(p.srv.requests.some((r) => r.method === 'images.setStatus')).toBe(false);
    await store.markReviewedAndNext('reject');
    expect(store.get().reviewPrompt).toBeNull();
    expect((await p.rows()).map((r) => r.state)).toEqual(['rejected', 'rejected']);
    const setStatus = p.srv.requests.find((r) => r.method === 'images.setStatus');
    expect(setStatus?.params).toMatchObject({ id: p.imageId, status: 'reviewed', pending: 'reject' });
  });

  it('a default policy in the settings applies without asking', async () => {
    const { p, store } = await open([0.9, 0.3]);
    store.set({ reviewDefault: 'accept' });
    await store.markReviewedAndNext();
    expect(store.get().reviewPrompt).toBeNull();
    expect((await p.rows()).map((r) => r.state)).toEqual(['accepted', 'accepted']);
  });

  it('without pending predictions it marks reviewed at once; navigation carries the grid query', async () => {
    const { p, store } = await open([]);
    store.nav = { status: ['unlabeled'], sort: 'name' };
    await store.markReviewedAndNext();
    expect(store.get().reviewPrompt).toBeNull();
    const next = p.srv.requests.find((r) => r.method === 'images.nextUnreviewed');
    expect(next?.params).toMatchObject({ after: p.imageId, nav: { status: ['unlabeled'] } });
  });
});

describe('an image whose file is gone', () => {
  it('cannot be edited or marked reviewed, and says why', async () => {
    const p = await project([0.9]);
    const path = p.removeFile();
    const store = new EditorStore(p.srv.client);
    store.setCategories(p.categories);
    await store.load(p.imageId);
    expect(store.get().file?.state).toBe('missing');
    expect(store.notEditable()).toContain(path);
    store.createBox([50, 50, 10, 10]);
    store.set({ selectedId: p.preds[0] });
    store.acceptSelected();
    await store.markReviewedAndNext('accept');
    await store.idle();
    expect(store.get().message?.kind).toBe('error');
    expect(
      p.srv.requests.filter((r) => r.method === 'annotations.apply' || r.method === 'images.setStatus'),
    ).toHaveLength(0);
    expect((await p.rows()).map((r) => r.state)).toEqual(['pending']);
  });
});
