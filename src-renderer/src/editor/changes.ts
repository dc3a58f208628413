/**
 * Annotation changes as data. Every user edit is a list of AnnotationChange (the wire type
 * of `annotations.apply`); history stores the forward list and its inverse, computed here
 * from the state before the edit. Local ids below zero are annotations the server has not
 * numbered yet; the save queue maps them to real ids (see save-queue.ts).
 */
import type { AnnotationChange, AnnotationPatch } from '../../../src-main/shared/api';
import type { Annotation } from '../../../src-main/shared/contract';

/** A change in the renderer: a create always carries an id (local or real). */
export type LocalChange =
  | (Extract<AnnotationChange, { op: 'create' }> & { id: number })
  | Extract<AnnotationChange, { op: 'update' }>
  | Extract<AnnotationChange, { op: 'delete' }>;

let nextLocalId = -1;
export function localId(): number {
  return nextLocalId--;
}

/** Applies changes to a list of annotations (pure; the order of the list is kept). */
export function applyChanges(
  list: readonly Annotation[],
  imageId: number,
  changes: readonly LocalChange[],
): Annotation[] {
  let out = list.slice();
  for (const c of changes) {
    if (c.op === 'create') {
      out = out.filter((a) => a.id !== c.id);
      out.push({
        id: c.id,
        imageId,
        categoryId: c.categoryId,
        bbox: [...c.bbox] as Annotation['bbox'],
        rle: c.rle ?? null,
        area: c.bbox[2] * c.bbox[3],
        source: c.source ?? 'human',
        state: c.state ?? 'accepted',
        predictionId: c.predictionId ?? null,
        score: c.score ?? null,
      });
    } else if (c.op === 'update') {
      out = out.map((a) => (a.id === c.id ? patchAnnotation(a, c.patch) : a));
    } else {
      out = out.filter((a) => a.id !== c.id);
    }
  }
  return out;
}

function patchAnnotation(a: Annotation, p: AnnotationPatch): Annotation {
  const next: Annotation = { ...a };
  if (p.categoryId !== undefined) next.categoryId = p.categoryId;
  if (p.bbox !== undefined) {
    next.bbox = [...p.bbox] as Annotation['bbox'];
    if (!a.rle) next.area = p.bbox[2] * p.bbox[3];
  }
  if (p.rle !== undefined) next.rle = p.rle;
  if (p.state !== undefined) next.state = p.state;
  if (p.source !== undefined) next.source = p.source;
  else if (
    a.source === 'model' &&
    (p.bbox !== undefined || p.rle !== undefined || p.categoryId !== undefined)
  ) {
    // Mirrors the server: editing model output makes it model-edited.
    next.source = 'model-edited';
  }
  return next;
}

/** The changes that undo `changes` when applied after them, given the list before them. */
export function invertChanges(
  before: readonly Annotation[],
  imageId: number,
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
        const patch: AnnotationPatch = { source: a.source };
        if (c.patch.categoryId !== undefined) patch.categoryId = a.categoryId;
        if (c.patch.bbox !== undefined) patch.bbox = [...a.bbox] as Annotation['bbox'];
        if (c.patch.rle !== undefined) patch.rle = a.rle;
        if (c.patch.state !== undefined) patch.state = a.state;
        inverse.push({ op: 'update', id: a.id, patch });
      }
    }
    state = applyChanges(state, imageId, [c]);
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
