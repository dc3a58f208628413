/**
 * Comparing two lists of an image's annotations: the changes that turn one into the other
 * (used when a job changed the image under the editor, and when a lost save is reconciled),
 * and the server's list merged so that unchanged annotations keep their object identity.
 */
import type { Annotation } from '../../../src-main/shared/contract';
import { recreate, type LocalChange } from './changes';

export function sameAnnotation(a: Annotation, b: Annotation): boolean {
  return (
    a.categoryId === b.categoryId &&
    a.state === b.state &&
    a.source === b.source &&
    a.score === b.score &&
    a.predictionId === b.predictionId &&
    a.area === b.area &&
    (a.iscrowd ?? false) === (b.iscrowd ?? false) &&
    a.bbox[0] === b.bbox[0] &&
    a.bbox[1] === b.bbox[1] &&
    a.bbox[2] === b.bbox[2] &&
    a.bbox[3] === b.bbox[3] &&
    (a.rle === b.rle || (a.rle != null && b.rle != null && a.rle.counts === b.rle.counts))
  );
}

/**
 * The changes that turn `from` into `to`: creates for annotations only in `to` (in its
 * order), full updates for those that differ, deletes for those only in `from`.
 */
export function diffAnnotations(from: readonly Annotation[], to: readonly Annotation[]): LocalChange[] {
  const pending = new Map(from.map((a) => [a.id, a]));
  const changes: LocalChange[] = [];
  for (const a of to) {
    const old = pending.get(a.id);
    if (!old) changes.push(recreate(a));
    else if (!sameAnnotation(old, a))
      changes.push({
        op: 'update',
        id: a.id,
        patch: {
          categoryId: a.categoryId,
          bbox: a.bbox,
          rle: a.rle,
          state: a.state,
          source: a.source,
          iscrowd: a.iscrowd ?? false,
        },
      });
    pending.delete(a.id);
  }
  for (const id of pending.keys()) changes.push({ op: 'delete', id });
  return changes;
}

/**
 * The server's list, reusing the local objects that are equal to it: unchanged annotations
 * keep their identity, so memoised boxes do not re-render after every save.
 */
export function keepIdentity(local: readonly Annotation[], fresh: Annotation[]): Annotation[] {
  const byId = new Map(local.map((a) => [a.id, a]));
  return fresh.map((a) => {
    const old = byId.get(a.id);
    return old && sameAnnotation(old, a) ? old : a;
  });
}
