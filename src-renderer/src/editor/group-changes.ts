/**
 * The change lists of edits on a whole selection, pure: each becomes ONE commit in the store,
 * so one undo step and one `annotations.apply` with an op per annotation (the server applies
 * its rules to each of them, as for a single edit).
 */
import type { Annotation, Rle } from '../../../src-main/shared/contract';
import { decodeRle, encodeMask, rleBbox } from '../../../src-main/shared/masks';
import { localId, type LocalChange } from './changes';
import { clipBox, type Bbox } from './geometry';

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Moves every box by (dx, dy); sizes stay exact, positions are rounded to 1/100 px. */
export function moveChanges(list: readonly Annotation[], dx: number, dy: number): LocalChange[] {
  if (!dx && !dy) return [];
  return list.map((a) => ({
    op: 'update',
    id: a.id,
    patch: { bbox: [round2(a.bbox[0] + dx), round2(a.bbox[1] + dy), a.bbox[2], a.bbox[3]] as Bbox },
  }));
}

/**
 * Deleting a selection: a person's annotations are deleted, model output is rejected (so
 * the correction report can count it).
 */
export function deleteChanges(list: readonly Annotation[]): LocalChange[] {
  return list.map((a) =>
    a.source === 'human' ? { op: 'delete', id: a.id } : { op: 'update', id: a.id, patch: { state: 'rejected' } },
  );
}

/** Sets one field on every annotation that differs in it. */
export function patchChanges<K extends 'categoryId' | 'state' | 'iscrowd'>(
  list: readonly Annotation[],
  key: K,
  value: NonNullable<Annotation[K]>,
): LocalChange[] {
  return list
    .filter((a) => (a[key] ?? false) !== value)
    .map((a) => ({ op: 'update', id: a.id, patch: { [key]: value } }) as LocalChange);
}

/**
 * Copies of `list` as new annotations of a person, moved by whole pixels (dx, dy) onto an
 * image of `width`×`height` (the one they came from, or another): boxes are clipped to it,
 * masks move with their boxes and are cut at its border. A copy with nothing left inside
 * the image is dropped.
 */
export function pasteChanges(
  list: readonly Annotation[],
  dx: number,
  dy: number,
  width: number,
  height: number,
): LocalChange[] {
  const out: LocalChange[] = [];
  for (const a of list) {
    const base = { op: 'create' as const, id: localId(), categoryId: a.categoryId, source: 'human' as const, state: 'accepted' as const };
    const crowd = a.iscrowd ? { iscrowd: true } : {};
    if (a.rle) {
      const rle = placeMask(a.rle, dx, dy, width, height);
      // The mask brings its box (the shared rule): the box sent is the mask's own.
      if (rle) out.push({ ...base, bbox: rleBbox(rle), rle, ...crowd });
      continue;
    }
    const bbox = clipBox([a.bbox[0] + dx, a.bbox[1] + dy, a.bbox[2], a.bbox[3]], width, height);
    if (bbox[2] >= 1 && bbox[3] >= 1) out.push({ ...base, bbox: bbox.map(round2) as Bbox, rle: null, ...crowd });
  }
  return out;
}

/**
 * The mask moved by whole pixels onto an image of another size (or the same), cut at its
 * border; null when no pixel is left.
 */
export function placeMask(rle: Rle, dx: number, dy: number, width: number, height: number): Rle | null {
  const src = decodeRle(rle);
  const out = new Uint8Array(width * height);
  let any = 0;
  const x0 = Math.max(0, dx),
    x1 = Math.min(width, src.width + dx);
  for (let y = Math.max(0, dy); y < Math.min(height, src.height + dy); y++) {
    const from = (y - dy) * src.width - dx;
    const row = y * width;
    for (let x = x0; x < x1; x++) any |= out[row + x] = src.data[from + x];
  }
  return any ? encodeMask({ width, height, data: out }) : null;
}
