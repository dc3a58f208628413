/**
 * Annotation changes as data. Every user edit is a list of AnnotationChange (the wire type
 * of `annotations.apply`); history stores the forward list and its inverse, computed here
 * from the state before the edit. Local ids below zero are annotations the server has not
 * numbered yet; the save queue maps them to real ids (see save-queue.ts).
 */
import type { AnnotationChange, AnnotationPatch } from '../../../src-main/shared/api';
import type { Annotation } from '../../../src-main/shared/contract';
import { applyPatch, createGeometry } from '../../../src-main/shared/annotation-rules';

/** A change in the renderer: a create always carries an id (local or real). */
export type LocalChange =
  | (Extract<AnnotationChange, { op: 'create' }> & { id: number })
  | Extract<AnnotationChange, { op: 'update' }>
  | Extract<AnnotationChange, { op: 'delete' }>;

let nextLocalId = -1;
export function localId(): number {
  return nextLocalId--;
}

/** The open image, as the edit rules need it: its id (for creates) and size (for clipping). */
export interface EditedImage {
  id: number;
  width: number;
  height: number;
}

/**
 * Applies changes to a list of annotations (pure; the order of the list is kept), by the
 * shared edit rules (src-main/shared/annotation-rules), the same functions the service
 * applies before it writes: what the editor shows is what the server stores. Throws the
 * rules' LwError for a change they refuse.
 */
export function applyChanges(
  list: readonly Annotation[],
  image: EditedImage,
  changes: readonly LocalChange[],
): Annotation[] {
  let out = list.slice();
  for (const c of changes) {
    if (c.op === 'create') {
      out = out.filter((a) => a.id !== c.id);
      const g = createGeometry({ bbox: c.bbox, rle: c.rle ?? null }, image);
      out.push({
        id: c.id,
        imageId: image.id,
        categoryId: c.categoryId,
        ...g,
        source: c.source ?? 'human',
        state: c.state ?? 'accepted',
        predictionId: c.predictionId ?? null,
        score: c.score ?? null,
        ...(c.iscrowd ? { iscrowd: true } : {}),
      });
    } else if (c.op === 'update') {
      out = out.map((a) => (a.id === c.id ? applyPatch(a, c.patch, image) : a));
    } else {
      out = out.filter((a) => a.id !== c.id);
    }
  }
  return out;
}

/**
 * The changes that undo `changes` when applied after them, given the list before them.
 * An update's inverse restores the geometry as a whole (a moved box carried its mask, a new
 * mask moved the box) and always the source and state (an edit may have accepted a pending
 * prediction and made it model-edited).
 */
export function invertChanges(
  before: readonly Annotation[],
  image: EditedImage,
  changes: readonly LocalChange[],
): LocalChange[] {
  const inverse: LocalChange[] = [];
  let state = before.slice();
  for (const c of changes) {
    if (c.op === 'create') {
      inverse.push({ op: 'delete', id: c.id });
    } else if (c.op === 'delete') {
      const a = state.find((x) => x.id === c.id);
      if (a) inverse.push(recreate(a));
    } else {
      const a = state.find((x) => x.id === c.id);
      if (a) {
        const patch: AnnotationPatch = { source: a.source, state: a.state };
        if (c.patch.categoryId !== undefined) patch.categoryId = a.categoryId;
        if (c.patch.iscrowd !== undefined) patch.iscrowd = a.iscrowd ?? false;
        if (c.patch.bbox !== undefined || c.patch.rle !== undefined) {
          // A mask brings its own box, so a masked annotation is restored by its mask alone.
          if (a.rle) patch.rle = a.rle;
          else {
            patch.bbox = [...a.bbox] as Annotation['bbox'];
            if (c.patch.rle !== undefined) patch.rle = null;
          }
        }
        inverse.push({ op: 'update', id: a.id, patch });
      }
    }
    state = applyChanges(state, image, [c]);
  }
  return inverse.reverse();
}

export function recreate(a: Annotation): LocalChange {
  return {
    op: 'create',
    id: a.id,
    categoryId: a.categoryId,
    bbox: [...a.bbox] as Annotation['bbox'],
    rle: a.rle,
    source: a.source,
    state: a.state,
    predictionId: a.predictionId,
    score: a.score,
    ...(a.iscrowd ? { iscrowd: true } : {}),
  };
}

/** Rewrites ids through `resolve`; creates whose id is still local lose it (the server numbers them). */
export function toWire(changes: readonly LocalChange[], resolve: (id: number) => number): AnnotationChange[] {
  return changes.map((c) => {
    if (c.op === 'create') {
      const id = resolve(c.id);
      const { id: _drop, ...rest } = c;
      return id > 0 ? { ...rest, id } : rest;
    }
    return { ...c, id: resolve(c.id) };
  });
}
