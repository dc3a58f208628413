import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../../src-main/shared/contract';
import { decodeRle, rleBbox, rleFromBbox } from '../../../src-main/shared/masks';
import { applyChanges } from './changes';
import { deleteChanges, moveChanges, pasteChanges, patchChanges, placeMask } from './group-changes';
import { boundsOf, clampGroupOffset, coveredBy, pasteOffset } from './selection';

const ann = (id: number, bbox: Annotation['bbox'], extra: Partial<Annotation> = {}): Annotation => ({
  id,
  imageId: 1,
  categoryId: 1,
  bbox,
  rle: null,
  area: bbox[2] * bbox[3],
  source: 'human',
  state: 'accepted',
  predictionId: null,
  score: null,
  ...extra,
});

describe('selection geometry', () => {
  it('a marquee selects the boxes it covers wholly, in list order', () => {
    const list = [ann(1, [10, 10, 5, 5]), ann(2, [30, 10, 5, 5]), ann(3, [18, 18, 10, 10]), ann(4, [0, 0, 100, 100])];
    expect(coveredBy([5, 5, 35, 20], list)).toEqual([1, 2]);
    expect(coveredBy([5, 5, 29, 30], list)).toEqual([1, 3]);
    expect(coveredBy([11, 11, 1, 1], list)).toEqual([]);
  });

  it('a group moves as one and stops at the border together', () => {
    const b = boundsOf([
      [10, 10, 5, 5],
      [30, 40, 10, 10],
    ])!;
    expect(b).toEqual([10, 10, 30, 40]);
    expect(clampGroupOffset(b, 5, -3, 100, 60)).toEqual({ dx: 5, dy: -3 });
    expect(clampGroupOffset(b, -50, 50, 100, 60)).toEqual({ dx: -10, dy: 10 });
  });

  it('paste lands centred at the pointer, else 10 px off; on another image in the same place', () => {
    const b: Annotation['bbox'] = [10, 10, 20, 10];
    expect(pasteOffset(b, { x: 50, y: 40 }, true, 100, 80)).toEqual({ dx: 30, dy: 25 });
    // Near the border the group is kept inside.
    expect(pasteOffset(b, { x: 99, y: 79 }, true, 100, 80)).toEqual({ dx: 70, dy: 60 });
    expect(pasteOffset(b, null, true, 100, 80)).toEqual({ dx: 10, dy: 10 });
    expect(pasteOffset(b, null, false, 100, 80)).toEqual({ dx: 0, dy: 0 });
    expect(pasteOffset(b, { x: 50, y: 40 }, false, 100, 80)).toEqual({ dx: 0, dy: 0 });
  });
});

describe('group changes', () => {
  const IMG = { id: 1, width: 100, height: 80 };

  it('a group move is one update per box with sizes kept; applied and undone as one list', () => {
    const list = [ann(1, [10, 10, 5, 5]), ann(2, [30, 40, 10.5, 10])];
    const changes = moveChanges(list, 2.5, -1);
    expect(changes).toEqual([
      { op: 'update', id: 1, patch: { bbox: [12.5, 9, 5, 5] } },
      { op: 'update', id: 2, patch: { bbox: [32.5, 39, 10.5, 10] } },
    ]);
    expect(applyChanges(list, IMG, changes).map((a) => a.bbox)).toEqual([
      [12.5, 9, 5, 5],
      [32.5, 39, 10.5, 10],
    ]);
    expect(moveChanges(list, 0, 0)).toEqual([]);
  });

  it('delete removes a person’s annotations and rejects model output; patches skip those already set', () => {
    const list = [ann(1, [0, 0, 5, 5]), ann(2, [0, 0, 5, 5], { source: 'model', state: 'pending' })];
    expect(deleteChanges(list)).toEqual([
      { op: 'delete', id: 1 },
      { op: 'update', id: 2, patch: { state: 'rejected' } },
    ]);
    expect(patchChanges(list, 'state', 'accepted')).toEqual([{ op: 'update', id: 2, patch: { state: 'accepted' } }]);
    expect(patchChanges(list, 'iscrowd', true).map((c) => c.op === 'update' && c.patch)).toEqual([
      { iscrowd: true },
      { iscrowd: true },
    ]);
  });

  it('paste makes new human annotations; masks move with their boxes and are cut at another image’s border', () => {
    const rle = rleFromBbox([60, 50, 30, 20], 80, 100);
    const list = [ann(1, [60, 50, 30, 20], { rle, source: 'model', score: 0.9 }), ann(2, [5, 5, 10, 10], { iscrowd: true })];
    const same = pasteChanges(list, 5, 5, 100, 80);
    expect(same.map((c) => c.op === 'create' && [c.bbox, c.source, c.state, c.iscrowd])).toEqual([
      [[65, 55, 30, 20], 'human', 'accepted', undefined],
      [[10, 10, 10, 10], 'human', 'accepted', true],
    ]);
    // Onto a 80×60 image at the same place: the box-only copy is clipped, the mask cut.
    const other = pasteChanges(list, 0, 0, 80, 60);
    const masked = other[0].op === 'create' ? other[0] : null;
    expect(masked?.rle?.size).toEqual([60, 80]);
    expect(rleBbox(masked!.rle!)).toEqual([60, 50, 20, 10]);
    expect(applyChanges([], { id: 2, width: 80, height: 60 }, other).map((a) => a.bbox)).toEqual([
      [60, 50, 20, 10],
      [5, 5, 10, 10],
    ]);
    // Nothing left inside: no copy.
    expect(pasteChanges(list.slice(0, 1), 0, 0, 50, 40)).toEqual([]);
    expect(placeMask(rle, -60, -50, 100, 80) && decodeRle(placeMask(rle, -60, -50, 100, 80)!).data[0]).toBe(1);
  });
});
