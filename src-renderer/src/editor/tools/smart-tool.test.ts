import { describe, expect, it } from 'vitest';
import { useServedImage } from '../../../../src-main/testing/served-project';
import type { Point } from '../geometry';
import { EditorStore } from '../store';
import { TOOLS, type PointerTarget } from './index';
import { commitSmart, smartKey, smartSessionOf } from './smart-tool';

// The Smart tool against a real store, the real services and the sam-fixture pack (the
// served image is uniformly grey: a prompt's region is the whole image).
const project = useServedImage();
const empty: PointerTarget = { kind: 'empty' };

async function editor() {
  const p = await project();
  const store = new EditorStore(p.srv.client);
  store.setCategories(p.categories);
  await store.load(p.imageId);
  store.set({ tool: 'smart' });
  const session = smartSessionOf(store);
  expect(await session.activate(p.imageId)).toBe(true);
  return { p, store, session };
}

/** Presses at `from` (screen = image pixels here), moves through `to`, releases. */
function gesture(store: EditorStore, from: Point, to: Point[], alt = false): void {
  const g = TOOLS.smart.press(store, { point: from, screen: from, target: empty, alt });
  expect(g).not.toBeNull();
  for (const p of to) g!.move({ point: p, screen: p });
  g!.end();
}

describe('smart tool', () => {
  it('a click is a point (Alt: negative), a drag a box; Enter adds one annotation as one undo step', async () => {
    const { p, store, session } = await editor();
    expect(session.get()).toMatchObject({ pack: 'sam-fixture', embedding: 'ready' });
    gesture(store, { x: 30, y: 30 }, [{ x: 31, y: 31 }]); // a jitter of a pixel is still a click
    gesture(store, { x: 70, y: 50 }, [], true);
    gesture(store, { x: 10, y: 10 }, [
      { x: 40, y: 30 },
      { x: 60, y: 40 },
    ]);
    expect(session.get().items).toEqual([
      { kind: 'point', x: 30, y: 30, label: 1 },
      { kind: 'point', x: 70, y: 50, label: 0 },
      { kind: 'box', bbox: [10, 10, 50, 30] },
    ]);
    await session.settled();
    const preview = session.current();
    expect(preview?.area).toBeGreaterThan(0);

    expect(smartKey('Enter', store)).toBe(true);
    await commitSmart(store); // a second Enter before the answer came: still one annotation
    await store.idle();
    const rows = await p.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      categoryId: p.categoryId,
      source: 'human',
      state: 'accepted',
      rle: preview!.rle,
    });
    expect(store.get().historyDepth.undo).toBe(1);
    expect(session.get().items).toEqual([]);
    // With no prompt open, the keys are the editor's again.
    expect(smartKey('Enter', store)).toBe(false);
    store.undo();
    await store.idle();
    expect(await p.rows()).toHaveLength(0);
  }, 60_000);

  it('Backspace takes back the last point; Esc drops the prompt; nothing is added', async () => {
    const { p, store, session } = await editor();
    gesture(store, { x: 30, y: 30 }, []);
    gesture(store, { x: 60, y: 30 }, [], true);
    expect(smartKey('Backspace', store)).toBe(true);
    expect(session.get().items).toEqual([{ kind: 'point', x: 30, y: 30, label: 1 }]);
    await session.settled();
    expect(session.current()).not.toBeNull();
    expect(smartKey('Escape', store)).toBe(true);
    expect(session.get()).toMatchObject({ items: [], preview: null });
    await store.idle();
    expect(await p.rows()).toHaveLength(0);
    expect(store.get().historyDepth.undo).toBe(0);
  }, 60_000);
});
