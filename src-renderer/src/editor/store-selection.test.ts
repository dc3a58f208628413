import { describe, expect, it } from 'vitest';
import { useServedImage } from '../../../src-main/testing/served-project';
import { EditorStore } from './store';
import { toggleFlag } from './actions/view-actions';

// Edits of a multi-selection against the real services: each is one undo step and one
// `annotations.apply` carrying an op per annotation; the server's rules apply to each.
const project = useServedImage();

async function editor(scores: number[]) {
  const p = await project(scores);
  const store = new EditorStore(p.srv.client);
  store.setCategories(p.categories);
  await store.load(p.imageId);
  return { p, store };
}

const ops = (apply: { params: unknown }) => (apply.params as { changes: unknown[] }).changes.length;

describe('multi-selection', () => {
  it('moves, undoes and deletes the whole selection as one step and one apply each', async () => {
    const { p, store } = await editor([0.9, 0.8]);
    store.createBox([50, 40, 10, 10]);
    await store.idle();
    store.selectAll();
    expect(store.selection()).toHaveLength(3);
    p.srv.requests.length = 0;

    store.moveSelection(5, -3);
    await store.idle();
    expect(p.applies().map(ops)).toEqual([3]);
    expect((await p.rows()).map((r) => [r.bbox, r.source, r.state])).toEqual([
      [[15, 7, 20, 20], 'model-edited', 'accepted'],
      [[15, 7, 20, 20], 'model-edited', 'accepted'],
      [[55, 37, 10, 10], 'human', 'accepted'],
    ]);

    store.undo();
    await store.idle();
    expect(p.applies().map(ops)).toEqual([3, 3]);
    expect((await p.rows()).map((r) => [r.bbox, r.source, r.state])).toEqual([
      [[10, 10, 20, 20], 'model', 'pending'],
      [[10, 10, 20, 20], 'model', 'pending'],
      [[50, 40, 10, 10], 'human', 'accepted'],
    ]);
    expect(store.get().selectedIds).toHaveLength(3); // the selection survives the saves

    store.deleteSelected(); // the person's box is deleted, model output rejected
    await store.idle();
    expect(p.applies().map(ops)).toEqual([3, 3, 3]);
    expect((await p.rows()).map((r) => r.state)).toEqual(['rejected', 'rejected']);
    store.undo();
    await store.idle();
    expect((await p.rows()).map((r) => r.state)).toEqual(['pending', 'pending', 'accepted']);
    expect(store.get().historyDepth).toEqual({ undo: 1, redo: 1 }); // the create; the delete is redoable
  });

  it('accepts, relabels and marks iscrowd on the selection in one step each; hidden and locked ones are left out', async () => {
    const { p, store } = await editor([0.9, 0.8, 0.7]);
    const blue = await p.srv.client.call('categories.add', { name: 'blue' });
    store.setCategories([...p.categories, blue]);
    const [a, b, c] = p.preds;
    store.set({ selectedIds: [a, b, c] });
    toggleFlag(store, 'locked', [c]);
    expect(store.get().selectedIds).toEqual([a, b]);
    p.srv.requests.length = 0;
    store.acceptSelected();
    store.relabel(blue.id);
    store.toggleCrowd();
    await store.idle();
    expect(p.applies().map(ops)).toEqual([2, 2, 2]);
    expect((await p.rows()).map((r) => [r.state, r.categoryId, r.iscrowd])).toEqual([
      ['accepted', blue.id, true],
      ['accepted', blue.id, true],
      ['pending', p.categoryId, false],
    ]);
    store.selectAll(); // the locked one stays out
    expect(store.get().selectedIds).toEqual([a, b]);
    toggleFlag(store, 'hidden', [a]);
    expect(store.selection().map((x) => x.id)).toEqual([b]);
  });

  it('pastes the copy centred at the pointer, or 10 px off without one', async () => {
    const { p, store } = await editor([0.9]);
    store.set({ selectedId: p.preds[0] });
    store.copy();
    store.pointer = { x: 60, y: 50 };
    store.paste();
    store.pointer = null;
    store.paste();
    await store.idle();
    expect((await p.rows()).map((r) => [r.bbox, r.source])).toEqual([
      [[10, 10, 20, 20], 'model'],
      [[50, 40, 20, 20], 'human'],
      [[20, 20, 20, 20], 'human'],
    ]);
  });
});
