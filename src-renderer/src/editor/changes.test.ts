import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../../src-main/shared/contract';
import { applyChanges, invertChanges, toWire, type LocalChange } from './changes';
import { History } from './history';
import { decodeRle, encodeMask } from '../../../src-main/shared/masks';
import { maskBbox } from './mask-paint';
import { clampMove, fitView, fromCorners, iou, resizeBox, toImage, zoomAt } from './geometry';

const ann = (id: number, extra: Partial<Annotation> = {}): Annotation => ({
  id,
  imageId: 1,
  categoryId: 1,
  bbox: [10, 10, 20, 20],
  rle: null,
  area: 400,
  source: 'model',
  state: 'pending',
  predictionId: 5,
  score: 0.9,
  ...extra,
});

const IMG = { id: 1, width: 100, height: 100 };

describe('changes', () => {
  it('inverts update, delete and create so undo restores the list exactly', () => {
    const before = [ann(1), ann(2, { source: 'human', state: 'accepted', predictionId: null, score: null })];
    const forward: LocalChange[] = [
      { op: 'update', id: 1, patch: { state: 'accepted' } },
      { op: 'update', id: 1, patch: { bbox: [0, 0, 5, 5] } },
      { op: 'delete', id: 2 },
      { op: 'create', id: -1, categoryId: 2, bbox: [1, 1, 2, 2] },
    ];
    const after = applyChanges(before, IMG, forward);
    expect(after.find((a) => a.id === 1)).toMatchObject({
      state: 'accepted',
      source: 'model-edited',
      bbox: [0, 0, 5, 5],
    });
    const inverse = invertChanges(before, IMG, forward);
    const restored = applyChanges(after, IMG, inverse);
    expect(restored.sort((a, b) => a.id - b.id)).toEqual(before);
    expect(inverse[inverse.length - 1]).toMatchObject({
      op: 'update',
      id: 1,
      patch: { state: 'pending', source: 'model' },
    });
  });

  it('maps local ids to server ids on the wire', () => {
    const wire = toWire(
      [
        { op: 'create', id: -3, categoryId: 1, bbox: [0, 0, 1, 1] },
        { op: 'create', id: -4, categoryId: 1, bbox: [0, 0, 1, 1] },
        { op: 'delete', id: -4 },
      ],
      (id) => (id === -3 ? 42 : id === -4 ? -4 : id),
    );
    expect(wire[0]).toMatchObject({ op: 'create', id: 42 });
    expect('id' in wire[1]).toBe(false);
  });
});

describe('history', () => {
  it('is a stack of steps; a new step clears redo', () => {
    const h = new History();
    const e = (label: string) => ({ label, forward: [], inverse: [] });
    h.record(e('a'));
    h.record(e('b'));
    expect(h.undo()?.label).toBe('b');
    expect(h.depth).toEqual({ undo: 1, redo: 1 });
    expect(h.redo()?.label).toBe('b');
    h.undo();
    h.record(e('c'));
    expect(h.depth).toEqual({ undo: 2, redo: 0 });
    expect(h.redo()).toBeNull();
  });
});

describe('geometry', () => {
  it('resizes from a corner and normalises flips', () => {
    expect(resizeBox([10, 10, 20, 20], 'se', 5, 5)).toEqual([10, 10, 25, 25]);
    expect(resizeBox([10, 10, 20, 20], 'nw', 30, 0)).toEqual([30, 10, 10, 20]);
    expect(fromCorners({ x: 5, y: 5 }, { x: 1, y: 2 })).toEqual([1, 2, 4, 3]);
  });
  it('keeps moved boxes inside the image', () => {
    expect(clampMove([-5, 95, 10, 10], 100, 100)).toEqual([0, 90, 10, 10]);
  });
  it('zooms around the cursor', () => {
    const v = fitView(1000, 500, 800, 800, 1);
    const p = { x: 300, y: 400 };
    const before = toImage(v, p);
    const after = toImage(zoomAt(v, p, 2), p);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });
  it('computes IoU', () => {
    expect(iou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(1 / 3);
  });
});

describe('changes follow the shared edit rules', () => {
  /** A mask filling [x, y, w, h] of the 100×100 image. */
  const maskOf = (x: number, y: number, w: number, h: number) => {
    const m = { width: 100, height: 100, data: new Uint8Array(100 * 100) };
    for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) m.data[j * 100 + i] = 1;
    return encodeMask(m);
  };
  const masked = () => ann(1, { rle: maskOf(10, 10, 20, 20), bbox: [10, 10, 20, 20], area: 400 });

  it('a moved or resized box carries its mask; a pending prediction becomes accepted and model-edited', () => {
    const [moved] = applyChanges([masked()], IMG, [
      { op: 'update', id: 1, patch: { bbox: [40, 50, 20, 20] } },
    ]);
    expect(moved).toMatchObject({
      bbox: [40, 50, 20, 20],
      area: 400,
      state: 'accepted',
      source: 'model-edited',
    });
    expect(maskBbox(decodeRle(moved.rle!))).toEqual([
      40, 50, 20, 20,
    ]);
    const [resized] = applyChanges([masked()], IMG, [
      { op: 'update', id: 1, patch: { bbox: [10, 10, 40, 10] } },
    ]);
    expect(resized).toMatchObject({ bbox: [10, 10, 40, 10], area: 400 });
  });

  it('undo of a move restores the mask and the box together, and the decision', () => {
    const before = [masked()];
    const forward: LocalChange[] = [{ op: 'update', id: 1, patch: { bbox: [60, 0, 20, 20] } }];
    const after = applyChanges(before, IMG, forward);
    const restored = applyChanges(after, IMG, invertChanges(before, IMG, forward));
    expect(restored).toEqual(before);
  });

  it('a new mask on a box-only annotation brings its own box; undo puts the drawn box back', () => {
    const before = [ann(1, { source: 'human', state: 'accepted', bbox: [10, 10, 20, 20] })];
    const forward: LocalChange[] = [{ op: 'update', id: 1, patch: { rle: maskOf(5, 20, 40, 5) } }];
    const after = applyChanges(before, IMG, forward);
    expect(after[0]).toMatchObject({ bbox: [5, 20, 40, 5], area: 200 });
    expect(applyChanges(after, IMG, invertChanges(before, IMG, forward))).toEqual(before);
  });

  it('refuses, as the server does, a box that contradicts the mask sent with it', () => {
    expect(() =>
      applyChanges([masked()], IMG, [
        { op: 'update', id: 1, patch: { rle: maskOf(0, 0, 5, 5), bbox: [0, 0, 9, 9] } },
      ]),
    ).toThrow(/contradicts its mask/);
  });
});
