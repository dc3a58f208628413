import { describe, expect, it } from 'vitest';
import { useServedImage } from '../../../../src-main/testing/served-project';
import type { Point } from '../geometry';
import { EditorStore } from '../store';
import { TOOLS, panGesture, type Gesture, type PointerTarget } from './index';

// Tools against a real store (and the real services behind it): pointer input in, intents
// out, one intent per gesture.
const project = useServedImage();

async function editor(scores: number[] = []) {
  const p = await project(scores);
  const store = new EditorStore(p.srv.client);
  store.setCategories(p.categories);
  await store.load(p.imageId);
  return { p, store };
}

const empty: PointerTarget = { kind: 'empty' };
/** Drags a gesture through `points` (image pixels) and releases it. */
function drag(g: Gesture | null, ...points: Point[]): void {
  expect(g).not.toBeNull();
  for (const point of points) g!.move({ point, screen: point });
  g!.end();
}

describe('box tool', () => {
  it('draws one box per drag, clipped to the image, and ignores a click', async () => {
    const { p, store } = await editor();
    store.set({ tool: 'box' });
    drag(
      TOOLS.box.press(store, { point: { x: 90, y: 70 }, screen: { x: 0, y: 0 }, target: empty }),
      { x: 95, y: 75 },
      { x: 120, y: 90 },
    );
    drag(TOOLS.box.press(store, { point: { x: 5, y: 5 }, screen: { x: 0, y: 0 }, target: empty }), {
      x: 6,
      y: 6,
    });
    await store.idle();
    expect((await p.rows()).map((r) => [r.bbox, r.source])).toEqual([[[90, 70, 10, 10], 'human']]);
    expect(store.get().historyDepth.undo).toBe(1);
    // Sticky by default: the box tool stays for the next box; the setting restores Select.
    expect(store.get().tool).toBe('box');
    store.setStickyTools(false);
    drag(TOOLS.box.press(store, { point: { x: 10, y: 10 }, screen: { x: 0, y: 0 }, target: empty }), {
      x: 30,
      y: 30,
    });
    expect(store.get().tool).toBe('select');
    store.setStickyTools(true);
  });
});

describe('select tool', () => {
  it('selects on press, moves on drag (one step), resizes by a handle, and a click is no edit', async () => {
    const { p, store } = await editor([0.9]);
    const [id] = p.preds;
    const at = (x: number, y: number, target: PointerTarget) => ({
      point: { x, y },
      screen: { x, y },
      target,
    });

    drag(
      TOOLS.select.press(store, at(15, 15, { kind: 'annotation', id })),
      { x: 16, y: 15 },
      { x: 15, y: 15 },
    );
    expect(store.get().selectedId).toBe(id);
    expect(store.get().historyDepth.undo).toBe(0);

    const move = TOOLS.select.press(store, at(15, 15, { kind: 'annotation', id }));
    expect(move!.move({ point: { x: 20, y: 17 }, screen: { x: 0, y: 0 } })).toEqual({
      kind: 'box',
      id,
      bbox: [15, 12, 20, 20],
    });
    drag(move, { x: 25, y: 19 });
    drag(TOOLS.select.press(store, at(35, 34, { kind: 'handle', handle: 'se' })), { x: 40, y: 44 });
    await store.idle();
    expect((await p.rows())[0]).toMatchObject({ bbox: [20, 14, 25, 30], source: 'model-edited' });
    expect(store.get().historyDepth.undo).toBe(2);

    // A click on empty canvas (a marquee that covers nothing) clears the selection.
    drag(TOOLS.select.press(store, at(90, 70, empty)));
    expect(store.get().selectedId).toBeNull();
  });
});

describe('pan gesture', () => {
  it('moves the view, never annotations', async () => {
    const { p, store } = await editor([0.9]);
    const before = store.get().view;
    const g = panGesture(store, { x: 100, y: 100 });
    g.move({ point: { x: 0, y: 0 }, screen: { x: 130, y: 90 } });
    g.end();
    expect(store.get().view).toEqual({
      zoom: before.zoom,
      pan: { x: before.pan.x + 30, y: before.pan.y - 10 },
    });
    expect(p.applies()).toHaveLength(0);
  });
});
