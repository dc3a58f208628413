import { describe, expect, it } from 'vitest';
import { useServedImage } from '../../../src-main/testing/served-project';
import { EditorStore } from './store';

// The store against the real services: a project file, the RPC server and the in-memory
// transport pair (src-main/testing/served-project.ts).
const project = useServedImage();

describe('EditorStore', () => {
  it('saves every step, maps new ids, and undoes a create after the server numbered it', async () => {
    const p = await project([0.9, 0.3]);
    const store = new EditorStore(p.srv.client);
    store.setCategories(p.categories);
    await store.load(p.imageId);

    store.createBox([50, 50, 10, 10]);
    const local = store.get().selectedId!;
    expect(local).toBeLessThan(0);
    store.relabel(p.categoryId); // same category: no step
    store.nudge(5, 0); // before the create's response: refers to the local id
    await store.idle();
    const created = (await p.rows()).find((r) => r.source === 'human')!;
    expect(created.bbox).toEqual([55, 50, 10, 10]);
    expect(store.get().selectedId).toBe(created.id);
    expect(store.get().historyDepth.undo).toBe(2);

    store.undo(); // nudge
    store.undo(); // create
    await store.idle();
    expect((await p.rows()).some((r) => r.source === 'human')).toBe(false);
    store.redo(); // re-create under the same id
    await store.idle();
    expect((await p.rows()).find((r) => r.source === 'human')!.id).toBe(created.id);
    expect(p.applies()).toHaveLength(5);
  });

  it('accept-all and reject-rest are one step each; undo restores model source', async () => {
    const p = await project([0.9, 0.6, 0.2]);
    const store = new EditorStore(p.srv.client);
    await store.load(p.imageId);
    store.set({ acceptThreshold: 0.5 });
    store.acceptAbove();
    store.rejectPending();
    await store.idle();
    expect((await p.rows()).map((r) => r.state)).toEqual(['accepted', 'accepted', 'rejected']);
    expect(store.get().historyDepth.undo).toBe(2);
    store.undo();
    store.undo();
    await store.idle();
    expect((await p.rows()).map((r) => [r.state, r.source])).toEqual([
      ['pending', 'model'],
      ['pending', 'model'],
      ['pending', 'model'],
    ]);
  });

  it('an edit of model output becomes model-edited, and undo puts source back', async () => {
    const p = await project([0.9]);
    const [id] = p.preds;
    const store = new EditorStore(p.srv.client);
    await store.load(p.imageId);
    store.set({ selectedId: id });
    store.acceptSelected();
    store.set({ selectedId: id });
    store.setBox(id, [0, 0, 30, 30]);
    await store.idle();
    expect((await p.rows())[0]).toMatchObject({
      source: 'model-edited',
      state: 'accepted',
      bbox: [0, 0, 30, 30],
    });
    store.undo();
    await store.idle();
    expect((await p.rows())[0]).toMatchObject({ source: 'model', state: 'accepted', bbox: [10, 10, 20, 20] });
  });

  it('a refused save reloads the truth and reports it', async () => {
    const p = await project([0.9]);
    const store = new EditorStore(p.srv.client);
    await store.load(p.imageId);
    store.commit('bad', [{ op: 'delete', id: 77 }]);
    await store.idle();
    await new Promise((r) => setTimeout(r, 10));
    expect(store.get().annotations.map((a) => a.id)).toEqual(p.preds);
    expect(store.get().historyDepth.undo).toBe(0);
  });
});

describe('EditorStore.refresh', () => {
  it('records model output that arrived from a job as one undoable step', async () => {
    const p = await project();
    const store = new EditorStore(p.srv.client);
    await store.load(p.imageId);
    const ids = p.predict([0.8, 0.7]); // the job wrote these
    await store.refresh();
    expect(store.get().annotations.map((a) => a.id)).toEqual(ids);
    expect(store.get().historyDepth.undo).toBe(1);
    store.undo();
    await store.idle();
    expect(await p.rows()).toHaveLength(0);
    store.redo();
    await store.idle();
    expect((await p.rows()).map((r) => [r.id, r.state, r.source])).toEqual([
      [ids[0], 'pending', 'model'],
      [ids[1], 'pending', 'model'],
    ]);
  });
});

describe('EditorStore after a lost connection', () => {
  it('a create whose answer was lost is saved exactly once', async () => {
    const p = await project();
    const store = new EditorStore(p.srv.client);
    store.setCategories(p.categories);
    await store.load(p.imageId);
    p.srv.dropNext('annotations.apply', 'after');
    store.createBox([5, 5, 10, 10]);
    store.nudge(1, 0); // queued behind the lost save: covered by the reconcile
    await store.idle();
    const rows = await p.rows();
    expect(rows.map((r) => r.bbox)).toEqual([[6, 5, 10, 10]]);
    expect(store.get().annotations.map((a) => a.id)).toEqual(rows.map((r) => r.id));
  });

  it('a step the server never saw is sent after reconnecting', async () => {
    const p = await project([0.9]);
    const store = new EditorStore(p.srv.client);
    store.setCategories(p.categories);
    await store.load(p.imageId);
    store.set({ selectedId: p.preds[0] });
    p.srv.dropNext('annotations.apply', 'before');
    store.acceptSelected();
    await store.idle();
    expect((await p.rows())[0]).toMatchObject({ state: 'accepted', source: 'model' });
    store.undo();
    await store.idle();
    expect((await p.rows())[0]).toMatchObject({ state: 'pending', source: 'model' });
  });
});
