import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../../src-main/shared/contract';
import { applyChanges, invertChanges, toWire, type LocalChange } from './changes';
import { History } from './history';
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

describe('changes', () => {
  it('inverts update, delete and create so undo restores the list exactly', () => {
    const before = [ann(1), ann(2, { source: 'human', state: 'accepted', predictionId: null, score: null })];
    const forward: LocalChange[] = [
      { op: 'update', id: 1, patch: { state: 'accepted' } },
      { op: 'update', id: 1, patch: { bbox: [0, 0, 5, 5] } },
      { op: 'delete', id: 2 },
      { op: 'create', id: -1, categoryId: 2, bbox: [1, 1, 2, 2] },
    ];
    const after = applyChanges(before, 1, forward);
    expect(after.find((a) => a.id === 1)).toMatchObject({
      state: 'accepted',
      source: 'model-edited',
      bbox: [0, 0, 5, 5],
    });
    const inverse = invertChanges(before, 1, forward);
    const restored = applyChanges(after, 1, inverse);
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
