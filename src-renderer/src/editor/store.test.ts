import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../../src-main/shared/contract';
import type { AnnotationChange } from '../../../src-main/shared/api';
import { RpcClient, type Transport } from '../rpc/client';
import { EditorStore } from './store';

/** A tiny fake server: one image, annotations in memory, answers with a delay. */
function fakeServer(initial: Annotation[]) {
  let rows = initial.map((a) => ({ ...a }));
  let nextId = 100;
  const calls: { method: string; params: any }[] = [];
  let listener: (m: unknown) => void = () => undefined;
  const handle = (method: string, params: any): unknown => {
    if (method === 'images.get')
      return {
        image: {
          id: 1,
          path: '/x.png',
          hash: 'h',
          width: 100,
          height: 80,
          bytes: 1,
          status: 'prelabeled',
          name: 'x.png',
        },
        annotations: rows,
        prevId: null,
        nextId: 2,
      };
    if (method === 'annotations.apply') {
      const created: number[] = [];
      for (const c of params.changes as AnnotationChange[]) {
        if (c.op === 'create') {
          const id = c.id ?? nextId++;
          if (rows.some((r) => r.id === id)) throw new Error('id taken');
          created.push(id);
          rows.push({
            id,
            imageId: 1,
            categoryId: c.categoryId,
            bbox: c.bbox,
            rle: null,
            area: 0,
            source: c.source ?? 'human',
            state: c.state ?? 'accepted',
            predictionId: c.predictionId ?? null,
            score: c.score ?? null,
          });
        } else if (c.op === 'update') {
          const r = rows.find((x) => x.id === c.id);
          if (!r) throw new Error(`no ${c.id}`);
          const geo = c.patch.bbox !== undefined || c.patch.categoryId !== undefined;
          Object.assign(r, {
            ...c.patch,
            source: c.patch.source ?? (r.source === 'model' && geo ? 'model-edited' : r.source),
          });
        } else {
          if (!rows.some((x) => x.id === c.id)) throw new Error(`no ${c.id}`);
          rows = rows.filter((x) => x.id !== c.id);
        }
      }
      return { annotations: rows.map((r) => ({ ...r })), created, status: 'in_progress' };
    }
    throw new Error(`unexpected ${method}`);
  };
  const transport: Transport = {
    ready: Promise.resolve(),
    onMessage: (l) => (listener = l),
    send: (m) => {
      calls.push({ method: m.method, params: structuredClone(m.params) });
      setTimeout(() => {
        try {
          listener({
            type: 'response',
            id: m.id,
            ok: true,
            result: structuredClone(handle(m.method, m.params)),
          });
        } catch (e) {
          listener({
            type: 'response',
            id: m.id,
            ok: false,
            error: { code: 'NOT_FOUND', message: (e as Error).message },
          });
        }
      }, 1);
    },
  };
  return { client: new RpcClient(transport), calls, rows: () => rows };
}

const pred = (id: number, score: number): Annotation => ({
  id,
  imageId: 1,
  categoryId: 1,
  bbox: [10, 10, 20, 20],
  rle: null,
  area: 400,
  source: 'model',
  state: 'pending',
  predictionId: id,
  score,
});

describe('EditorStore', () => {
  it('saves every step, maps new ids, and undoes a create after the server numbered it', async () => {
    const srv = fakeServer([pred(1, 0.9), pred(2, 0.3)]);
    const store = new EditorStore(srv.client);
    store.setCategories([
      { id: 1, name: 'red', color: '#ff0000', prompt: 'red', threshold: null, supercategory: null },
    ]);
    await store.load(1);

    store.createBox([50, 50, 10, 10]);
    const local = store.get().selectedId!;
    expect(local).toBeLessThan(0);
    store.relabel(1); // same category: no step
    store.nudge(5, 0); // before the create's response: refers to the local id
    await store.idle();
    const created = srv.rows().find((r) => r.source === 'human')!;
    expect(created.bbox).toEqual([55, 50, 10, 10]);
    expect(store.get().selectedId).toBe(created.id);
    expect(store.get().historyDepth.undo).toBe(2);

    store.undo(); // nudge
    store.undo(); // create
    await store.idle();
    expect(srv.rows().some((r) => r.source === 'human')).toBe(false);
    store.redo(); // re-create under the same id
    await store.idle();
    expect(srv.rows().find((r) => r.source === 'human')!.id).toBe(created.id);
    expect(srv.calls.filter((c) => c.method === 'annotations.apply')).toHaveLength(5);
  });

  it('accept-all and reject-rest are one step each; undo restores model source', async () => {
    const srv = fakeServer([pred(1, 0.9), pred(2, 0.6), pred(3, 0.2)]);
    const store = new EditorStore(srv.client);
    await store.load(1);
    store.set({ acceptThreshold: 0.5 });
    store.acceptAbove();
    store.rejectPending();
    await store.idle();
    expect(srv.rows().map((r) => r.state)).toEqual(['accepted', 'accepted', 'rejected']);
    expect(store.get().historyDepth.undo).toBe(2);
    store.undo();
    store.undo();
    await store.idle();
    expect(srv.rows().map((r) => [r.state, r.source])).toEqual([
      ['pending', 'model'],
      ['pending', 'model'],
      ['pending', 'model'],
    ]);
  });

  it('an edit of model output becomes model-edited, and undo puts source back', async () => {
    const srv = fakeServer([pred(1, 0.9)]);
    const store = new EditorStore(srv.client);
    await store.load(1);
    store.set({ selectedId: 1 });
    store.acceptSelected();
    store.set({ selectedId: 1 });
    store.setBox(1, [0, 0, 30, 30]);
    await store.idle();
    expect(srv.rows()[0]).toMatchObject({ source: 'model-edited', state: 'accepted', bbox: [0, 0, 30, 30] });
    store.undo();
    await store.idle();
    expect(srv.rows()[0]).toMatchObject({ source: 'model', state: 'accepted', bbox: [10, 10, 20, 20] });
  });

  it('a refused save reloads the truth and reports it', async () => {
    const srv = fakeServer([pred(1, 0.9)]);
    const store = new EditorStore(srv.client);
    await store.load(1);
    store.commit('bad', [{ op: 'delete', id: 77 }]);
    await store.idle();
    await new Promise((r) => setTimeout(r, 10));
    expect(store.get().annotations.map((a) => a.id)).toEqual([1]);
    expect(store.get().historyDepth.undo).toBe(0);
  });
});

describe('EditorStore.refresh', () => {
  it('records model output that arrived from a job as one undoable step', async () => {
    const srv = fakeServer([]);
    const store = new EditorStore(srv.client);
    await store.load(1);
    srv.rows().push(pred(5, 0.8), pred(6, 0.7)); // the job wrote these
    await store.refresh();
    expect(store.get().annotations.map((a) => a.id)).toEqual([5, 6]);
    expect(store.get().historyDepth.undo).toBe(1);
    store.undo();
    await store.idle();
    expect(srv.rows()).toHaveLength(0);
    store.redo();
    await store.idle();
    expect(srv.rows().map((r) => [r.id, r.state, r.source])).toEqual([
      [5, 'pending', 'model'],
      [6, 'pending', 'model'],
    ]);
  });
});

/** Like fakeServer, but the connection can drop before or after the next apply is done. */
function flakyServer(initial: Annotation[]) {
  const inner = fakeServer(initial);
  let mode: 'none' | 'before' | 'after' = 'none';
  let close: (r: string) => void = () => undefined;
  let open: () => void = () => undefined;
  let connected = true;
  let waiters: (() => void)[] = [];
  let deliver: (m: unknown) => void = () => undefined;
  // Reuse the fake's logic through its own transport-less client: call its handler directly.
  const handle = async (method: string, params: any) => (inner.client as any).call(method, params);
  const transport: Transport = {
    ready: () => (connected ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    onMessage: (l) => (deliver = l),
    onClose: (l) => (close = l),
    onOpen: (l) => (open = l),
    send: (m) => {
      const drop = m.method === 'annotations.apply' ? mode : 'none';
      if (drop !== 'none') mode = 'none';
      const reconnect = () => {
        connected = false;
        close('dropped');
        setTimeout(() => {
          connected = true;
          open();
          const w = waiters;
          waiters = [];
          w.forEach((f) => f());
        }, 5);
      };
      if (drop === 'before') return reconnect();
      void handle(m.method, m.params).then(
        (result) =>
          drop === 'after' ? reconnect() : deliver({ type: 'response', id: m.id, ok: true, result }),
        (e) =>
          deliver({
            type: 'response',
            id: m.id,
            ok: false,
            error: { code: e.code ?? 'INTERNAL', message: e.message },
          }),
      );
    },
  };
  return {
    client: new RpcClient(transport),
    rows: inner.rows,
    dropNext: (m: 'before' | 'after') => (mode = m),
  };
}

describe('EditorStore after a lost connection', () => {
  const cats = [
    { id: 1, name: 'red', color: '#ff0000', prompt: 'red', threshold: null, supercategory: null },
  ];

  it('a create whose answer was lost is saved exactly once', async () => {
    const srv = flakyServer([]);
    const store = new EditorStore(srv.client);
    store.setCategories(cats);
    await store.load(1);
    srv.dropNext('after');
    store.createBox([5, 5, 10, 10]);
    store.nudge(1, 0); // queued behind the lost save: covered by the reconcile
    await store.idle();
    expect(srv.rows().map((r) => r.bbox)).toEqual([[6, 5, 10, 10]]);
    expect(store.get().annotations.map((a) => a.id)).toEqual(srv.rows().map((r) => r.id));
  });

  it('a step the server never saw is sent after reconnecting', async () => {
    const srv = flakyServer([pred(1, 0.9)]);
    const store = new EditorStore(srv.client);
    store.setCategories(cats);
    await store.load(1);
    store.set({ selectedId: 1 });
    srv.dropNext('before');
    store.acceptSelected();
    await store.idle();
    expect(srv.rows()[0]).toMatchObject({ state: 'accepted', source: 'model' });
    store.undo();
    await store.idle();
    expect(srv.rows()[0]).toMatchObject({ state: 'pending', source: 'model' });
  });
});
