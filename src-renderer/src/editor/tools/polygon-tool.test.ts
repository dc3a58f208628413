import { describe, expect, it } from 'vitest';
import { useServedImage } from '../../../../src-main/testing/served-project';
import { rleArea } from '../../../../src-main/shared/masks';
import { EditorStore } from '../store';
import { TOOLS, type PointerTarget } from './index';
import { getDraft } from './polygon-draft';
import { outlineOfAnnotation, polygonKey } from './polygon-tool';

// The polygon tool against a real store and the real services behind it (a 100×80 image).
const project = useServedImage();
const empty: PointerTarget = { kind: 'empty' };

async function editor() {
  const p = await project();
  const store = new EditorStore(p.srv.client);
  store.setCategories(p.categories);
  await store.load(p.imageId);
  store.set({ tool: 'polygon', view: { zoom: 1, pan: { x: 0, y: 0 } } });
  return { p, store };
}

function click(store: EditorStore, x: number, y: number, alt = false) {
  const g = TOOLS.polygon.press(store, { point: { x, y }, screen: { x, y }, target: empty, alt });
  g?.end();
  return g;
}

/** Twice the area by the shoelace formula, halved. */
function shoelace(xy: number[]): number {
  let s = 0;
  for (let i = 0; i < xy.length; i += 2) {
    const j = (i + 2) % xy.length;
    s += xy[i] * xy[j + 1] - xy[j] * xy[i + 1];
  }
  return Math.abs(s / 2);
}

const HEXAGON = [30.2, 10.4, 60.7, 12.1, 75.3, 40.6, 58.9, 68.2, 28.4, 66.7, 15.1, 39.8];

describe('polygon tool', () => {
  it('clicks vertices, closes on the first one into one mask annotation of the draw category, one undo step', async () => {
    const { p, store } = await editor();
    for (let i = 0; i < HEXAGON.length; i += 2) click(store, HEXAGON[i], HEXAGON[i + 1]);
    expect(getDraft()?.points).toHaveLength(12);
    click(store, HEXAGON[0] + 2, HEXAGON[1] - 2); // within the grab distance of the first vertex
    expect(getDraft()).toBeNull();
    await store.idle();
    const rows = await p.rows();
    expect(rows).toHaveLength(1);
    expect(rows[0].categoryId).toBe(p.categoryId);
    expect(Math.abs(rows[0].area - shoelace(HEXAGON)) / shoelace(HEXAGON)).toBeLessThan(0.01);
    expect(rows[0].area).toBe(rleArea(rows[0].rle!));
    expect(store.get().historyDepth.undo).toBe(1);
    expect(store.get().tool).toBe('polygon'); // sticky
    expect(store.selected()?.area).toBe(rows[0].area); // the new annotation is selected, to edit or brush
  });

  it('Backspace removes the last vertex, Enter closes, Esc drops a draft', async () => {
    const { p, store } = await editor();
    click(store, 10, 10);
    click(store, 50, 10);
    click(store, 90, 70); // removed below
    expect(polygonKey('Backspace', store)).toBe(true);
    click(store, 50, 50);
    click(store, 10, 50);
    expect(polygonKey('Enter', store)).toBe(true);
    await store.idle();
    const [row] = await p.rows();
    expect(Math.abs(row.area - 40 * 40) / 1600).toBeLessThan(0.01);
    store.set({ selectedId: null });
    click(store, 5, 5);
    click(store, 20, 5);
    expect(polygonKey('Escape', store)).toBe(true);
    expect(getDraft()).toBeNull();
    expect(polygonKey('Enter', store)).toBe(false); // no draft: the editor's Enter
    expect(await p.rows()).toHaveLength(1);
  });

  it("drags a vertex of the selected mask's outline, inserts one on an edge, Alt+click deletes one", async () => {
    const { p, store } = await editor();
    for (const [x, y] of [
      [20, 20],
      [60, 20],
      [60, 60],
      [20, 60],
    ])
      click(store, x, y);
    polygonKey('Enter', store);
    const a = store.selected()!;
    expect(a.area).toBe(1600);
    expect(outlineOfAnnotation(a)!.shown).toEqual([[20, 20, 60, 20, 60, 60, 20, 60]]);

    // Drag (60, 60) to (80, 60): the square gains the triangle (60,20)-(80,60)-(60,60), 400 px.
    const g = TOOLS.polygon.press(store, { point: { x: 61, y: 59 }, screen: { x: 0, y: 0 }, target: empty });
    expect(g?.preview.kind).toBe('outline');
    g!.move({ point: { x: 71, y: 59 }, screen: { x: 0, y: 0 } });
    g!.move({ point: { x: 81, y: 59 }, screen: { x: 0, y: 0 } });
    g!.end();
    expect(Math.abs(store.selected()!.area - 2000) / 2000).toBeLessThan(0.01);

    // A press on the top edge inserts a vertex there; dragged up by 10 it adds a triangle of 200.
    const before = store.selected()!.area;
    const e = TOOLS.polygon.press(store, { point: { x: 40, y: 20.5 }, screen: { x: 0, y: 0 }, target: empty });
    e!.move({ point: { x: 40, y: 10.5 }, screen: { x: 0, y: 0 } });
    e!.end();
    expect(Math.abs(store.selected()!.area - (before + 200)) / (before + 200)).toBeLessThan(0.01);

    // Alt+click on that vertex removes it again.
    click(store, 40, 10, true);
    expect(Math.abs(store.selected()!.area - before) / before).toBeLessThan(0.01);
    await store.idle();
    expect(store.get().historyDepth.undo).toBe(4);
    expect((await p.rows())[0].area).toBe(store.selected()!.area);
  });
});
