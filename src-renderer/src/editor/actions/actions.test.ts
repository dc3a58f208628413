import { describe, expect, it } from 'vitest';
import { useServedImage } from '../../../../src-main/testing/served-project';
import { EditorStore } from '../store';
import { actionById, actionForKey, actions, performAction, type ActionContext } from './index';

const key = (
  k: string,
  mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; metaKey: boolean; altKey: boolean }> = {},
) => ({
  key: k,
  ctrlKey: false,
  shiftKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('actions', () => {
  // Keys shared between actions: key-bindings.test.ts.
  it('have unique ids', () => {
    expect(new Set(actions.map((a) => a.id)).size).toBe(actions.length);
  });
  it('resolve keys, modifiers and the CVAT scheme', () => {
    expect(actionForKey(key('r'), 'default')?.id).toBe('tool.box');
    expect(actionForKey(key('z', { ctrlKey: true }), 'default')?.id).toBe('history.undo');
    expect(actionForKey(key('Z', { ctrlKey: true, shiftKey: true }), 'default')?.id).toBe('history.redo');
    expect(actionForKey(key('y', { ctrlKey: true }), 'default')?.id).toBe('history.redo');
    expect(actionForKey(key('ArrowLeft', { shiftKey: true }), 'default')?.id).toBe('nudge.left.10');
    expect(actionForKey(key('d'), 'default')?.id).toBe('nav.next');
    expect(actionForKey(key('f'), 'cvat')?.id).toBe('nav.next');
    expect(actionForKey(key('d'), 'cvat')?.id).toBe('nav.prev');
    expect(actionForKey(key('?', { shiftKey: true }), 'default')?.id).toBe('view.help');
    expect(actionForKey(key('3'), 'default')?.id).toBe('label.3');
  });
});

describe('prettyChord', () => {
  it('prints every binding, "+" included', async () => {
    const { prettyChord } = await import('./keys');
    for (const a of actions) for (const k of a.keys) expect(prettyChord(k).length).toBeGreaterThan(0);
    expect(prettyChord('+')).toBe('+');
    expect(prettyChord('mod+shift+z')).toBe('Ctrl+Shift+Z');
    expect(prettyChord('tab')).toBe('Tab');
  });
});

describe('capture policy', () => {
  const project = useServedImage();
  const ctx = (store: EditorStore): ActionContext => ({ store, scheme: 'default', exit: () => undefined });

  it("a 'record' action is one undo step, saved in one call, however many changes it commits", async () => {
    const p = await project([0.9, 0.6, 0.2]);
    const store = new EditorStore(p.srv.client);
    await store.load(p.imageId);
    store.capture('record', 'Fix up', () => {
      store.commit('Accept', [{ op: 'update', id: p.preds[0], patch: { state: 'accepted' } }]);
      store.commit('Move', [{ op: 'update', id: p.preds[0], patch: { bbox: [1, 1, 5, 5] } }]);
    });
    performAction(actionById('pred.acceptAbove'), ctx(store));
    await store.idle();
    expect(store.get().historyDepth.undo).toBe(2);
    expect(p.applies()).toHaveLength(2);
    expect((await p.rows()).map((r) => r.state)).toEqual(['accepted', 'accepted', 'pending']);
    store.undo();
    store.undo();
    await store.idle();
    expect((await p.rows()).map((r) => [r.state, r.source, r.bbox])).toEqual(
      p.preds.map(() => ['pending', 'model', [10, 10, 20, 20]]),
    );
  });

  it("what a 'none' step commits is saved but never enters the history", async () => {
    const p = await project([0.9]);
    const store = new EditorStore(p.srv.client);
    await store.load(p.imageId);
    store.capture('none', 'Sync', () => {
      store.commit('Accept', [{ op: 'update', id: p.preds[0], patch: { state: 'accepted' } }]);
      store.commit('Move', [{ op: 'update', id: p.preds[0], patch: { bbox: [1, 1, 5, 5] } }]);
    });
    await store.idle();
    expect(store.get().historyDepth).toEqual({ undo: 0, redo: 0 });
    expect(p.applies()).toHaveLength(1);
    expect((await p.rows())[0]).toMatchObject({ state: 'accepted', bbox: [1, 1, 5, 5] });
  });

  it("'none' actions leave the history alone; 'record' ones are those that edit", async () => {
    const p = await project([0.9, 0.8]);
    const store = new EditorStore(p.srv.client);
    store.setCategories(p.categories);
    await store.load(p.imageId);
    const edits = new Set([
      'box.delete',
      'box.paste',
      'pred.accept',
      'pred.reject',
      'pred.acceptAbove',
      'pred.rejectRest',
      'ann.crowd',
    ]);
    for (const a of actions) {
      const isEdit = edits.has(a.id) || a.id.startsWith('nudge.') || a.id.startsWith('label.') || a.id.startsWith('suggest.');
      expect(a.capture, a.id).toBe(isEdit ? 'record' : 'none');
    }
    store.set({ selectedId: p.preds[0] });
    const harmless = actions.filter(
      (a) => a.capture === 'none' && !a.id.startsWith('nav.') && !a.id.startsWith('history.'),
    );
    for (const a of harmless) performAction(a, ctx(store));
    await store.idle();
    expect(store.get().historyDepth.undo).toBe(0);
    expect(p.applies()).toHaveLength(0);
  });
});
