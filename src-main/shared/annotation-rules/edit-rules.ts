/**
 * The annotation edit rules, defined once for every side: the service applies them before it
 * writes, and the editor applies the same functions to show an edit before the server answers.
 *
 * - Geometry: a box is clipped to the image and rounded to 1/100 px. A masked annotation's box
 *   is its mask's tight box and its area the mask's pixel count; a new mask brings its box,
 *   a box moved or resized carries its mask along (see mask-geometry.ts). A write whose
 *   explicit box contradicts the mask it carries is refused, naming the annotation.
 * - Editing model output (its box, mask or category) makes it `model-edited` and decides it:
 *   a pending prediction that a person corrected is `accepted`.
 * - A patch that sets `source` or `state` itself wins (undo restores both that way).
 */
import type { AnnotationChange, AnnotationPatch } from '../api';
import type { Annotation, AnnotationSource, AnnotationState, Bbox, Rle } from '../contract';
import { LwError } from '../errors';
import { checkedBox, clipBox, roundBox, sameBox } from './coordinates';
import { maskFollowingBox, maskGeometry } from './mask-geometry';

export interface ImageSize {
  width: number;
  height: number;
}

/** What an annotation's geometry is made of, whichever side computes it. */
export interface Geometry {
  bbox: Bbox;
  rle: Rle | null;
  area: number;
}

type Create = Extract<AnnotationChange, { op: 'create' }>;

/** The geometry of a new annotation: a mask brings its own box; a plain box is clipped and rounded. */
export function createGeometry(c: Pick<Create, 'bbox' | 'rle'>, image: ImageSize, where = 'create'): Geometry {
  if (c.rle) {
    const m = maskGeometry(c.rle, image.width, image.height, where);
    refuseContradiction(c.bbox, m.bbox, where);
    return m;
  }
  const bbox = clipBox(c.bbox, image.width, image.height, where);
  return { bbox, rle: null, area: boxArea(bbox) };
}

/** The annotation after `patch`, by the rules above. Throws LwError for a patch that breaks them. */
export function applyPatch(prev: Annotation, patch: AnnotationPatch, image: ImageSize, where = `annotation ${prev.id}`): Annotation {
  const geometry = patchGeometry(prev, patch, image, where);
  const categoryId = patch.categoryId ?? prev.categoryId;
  const edited =
    categoryId !== prev.categoryId ||
    !sameBox(geometry.bbox, prev.bbox, 0) ||
    (geometry.rle?.counts ?? null) !== (prev.rle?.counts ?? null);
  return {
    ...prev,
    categoryId,
    ...geometry,
    source: patch.source ?? sourceAfterEdit(prev.source, edited),
    state: patch.state ?? stateAfterEdit(prev.state, edited),
    ...(patch.iscrowd !== undefined ? { iscrowd: patch.iscrowd } : {}),
  };
}

/** Editing model output makes it `model-edited`; a person's own annotation stays `human`. */
export function sourceAfterEdit(source: AnnotationSource, edited: boolean): AnnotationSource {
  return edited && source === 'model' ? 'model-edited' : source;
}

/** Correcting a pending prediction is deciding it: it becomes `accepted`. */
export function stateAfterEdit(state: AnnotationState, edited: boolean): AnnotationState {
  return edited && state === 'pending' ? 'accepted' : state;
}

function patchGeometry(prev: Annotation, patch: AnnotationPatch, image: ImageSize, where: string): Geometry {
  if (patch.rle !== undefined) {
    if (patch.rle === null) {
      const bbox = clipBox(patch.bbox ?? prev.bbox, image.width, image.height, where);
      return { bbox, rle: null, area: boxArea(bbox) };
    }
    // A new mask (a brush stroke, an eraser, a model's refinement): the box follows it.
    const m = maskGeometry(patch.rle, image.width, image.height, where);
    if (patch.bbox) refuseContradiction(patch.bbox, m.bbox, where);
    return m;
  }
  if (!patch.bbox) return { bbox: prev.bbox, rle: prev.rle, area: prev.area };
  if (!prev.rle) {
    const next = clipBox(patch.bbox, image.width, image.height, where);
    return { bbox: next, rle: null, area: boxArea(next) };
  }
  // A masked annotation: the mask is clipped at the image border, not the box before the
  // mask follows it; a box dragged partly off the image moves its mask (losing the pixels
  // that fall off), where a clipped box would read as a resize and squash the mask.
  const next = roundBox(checkedBox(patch.bbox, where));
  if (sameBox(next, prev.bbox, 0)) return { bbox: prev.bbox, rle: prev.rle, area: prev.area };
  // The box moved or changed size: the mask goes with it. The transform is the one from the
  // annotation's box to the new box, applied to the mask's own box (the same box, unless an
  // old project stored one that disagrees).
  const own = maskGeometry(prev.rle, image.width, image.height, where);
  const to = mapBox(own.bbox, prev.bbox, next);
  return maskFollowingBox(own.rle, own.bbox, to, where);
}

/** `box` carried by the affine map that takes `from` onto `to` (a move plus a scale). */
function mapBox(box: Bbox, from: Bbox, to: Bbox): Bbox {
  const sx = from[2] > 0 ? to[2] / from[2] : 1;
  const sy = from[3] > 0 ? to[3] / from[3] : 1;
  return [to[0] + (box[0] - from[0]) * sx, to[1] + (box[1] - from[1]) * sy, box[2] * sx, box[3] * sy];
}

function refuseContradiction(given: Bbox, ofMask: Bbox, where: string): void {
  if (!sameBox(given, ofMask))
    throw new LwError(
      'INVALID_ARGUMENT',
      `${where}: bbox [${given.join(', ')}] contradicts its mask, whose box is [${ofMask.join(', ')}]`,
      'Send the mask alone: the box of a masked annotation is computed from the mask.',
    );
}

function boxArea(b: Bbox): number {
  return Math.round(b[2] * b[3] * 100) / 100;
}
