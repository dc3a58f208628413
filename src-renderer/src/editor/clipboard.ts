/**
 * The editor's clipboard: what Ctrl+C copied and the image it came from, and the changes
 * Ctrl+V makes of it on the open image (where it lands: selection.ts's pasteOffset; what it
 * creates: group-changes.ts's pasteChanges). One clipboard for the whole renderer, so a
 * copy survives navigation to another image. It holds copies, never the store's objects;
 * the store commits what a paste returns.
 */
import type { Annotation } from '../../../src-main/shared/contract';
import type { LocalChange } from './changes';
import type { Point } from './geometry';
import { pasteChanges } from './group-changes';
import { boundsOf, pasteOffset } from './selection';

let copied: { imageId: number | null; items: Annotation[] } = { imageId: null, items: [] };

/** Replaces the clipboard with copies of `list`, taken from image `imageId`. */
export function copyAnnotations(imageId: number | null, list: readonly Annotation[]): void {
  copied = { imageId, items: list.map((a) => ({ ...a })) };
}

/**
 * The create changes that paste the clipboard onto image `target` with the mouse at
 * `pointer` (null: outside the canvas), or why there are none.
 */
export function pasteOnto(
  target: { id: number; width: number; height: number },
  pointer: Point | null,
): { changes: LocalChange[] } | { reason: string } {
  const bounds = boundsOf(copied.items.map((a) => a.bbox));
  if (!bounds) return { reason: 'Clipboard is empty' };
  const same = copied.imageId === target.id;
  const { dx, dy } = pasteOffset(bounds, pointer, same, target.width, target.height);
  const changes = pasteChanges(copied.items, dx, dy, target.width, target.height);
  return changes.length ? { changes } : { reason: 'Nothing of the copy falls inside this image' };
}
