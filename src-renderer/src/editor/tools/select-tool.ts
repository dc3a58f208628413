/**
 * The select tool: a click selects the annotation under the pointer (or clears the
 * selection), dragging a box moves it, dragging a handle of the selected box resizes it.
 * Shift+click adds an annotation to the selection or takes it out; dragging any member of a
 * multi-selection moves them all (one step); a drag on empty canvas is a marquee that
 * selects the boxes it covers (with Shift: adds them). Hidden and locked annotations are
 * never selected or moved: a press on a locked one is a press on empty canvas.
 * A click that moves nothing is not an edit.
 */
import type { Annotation } from '../../../../src-main/shared/contract';
import {
  clampMove,
  clipBox,
  moveBox,
  resizeBox,
  roundBox,
  sameBox,
  type Bbox,
  type Handle,
  type Point,
} from '../geometry';
import { annotationById, type EditorTool, type Gesture, type GesturePreview, type ToolHost } from './tool';
import { selectable } from '../view-state';
import { boundsOf, clampGroupOffset, coveredBy } from '../selection';
import { fromCorners } from '../geometry';

export const selectTool: EditorTool = {
  id: 'select',
  cursor: (hovering) => (hovering ? 'move' : 'default'),
  marker: null,
  press(host, { point, target, shift }): Gesture | null {
    const s = host.get();
    if (target.kind === 'handle' && s.selectedId != null && s.selectedIds.length <= 1) {
      const a = host.selected();
      if (a) return boxGesture(host, a, point, target.handle);
    }
    const a = target.kind === 'annotation' ? annotationById(host, target.id) : undefined;
    if (a && selectable(s, a)) {
      const selected = s.selectedIds.includes(a.id);
      if (shift) {
        // Toggle membership; the primary is the last one added.
        host.set({ selectedIds: selected ? s.selectedIds.filter((x) => x !== a.id) : [...s.selectedIds, a.id] });
        return null;
      }
      if (selected && s.selectedIds.length > 1) return groupGesture(host, a.id, point);
      host.set({ selectedId: a.id });
      return boxGesture(host, a, point, null);
    }
    return marqueeGesture(host, point, !!shift);
  },
};

/** A drag on empty canvas: selects what the rectangle covers; a plain click clears the selection. */
function marqueeGesture(host: ToolHost, start: Point, add: boolean): Gesture {
  const before = host.get().selectedIds;
  let rect: Bbox = [start.x, start.y, 0, 0];
  let preview: GesturePreview = { kind: 'marquee', bbox: rect };
  return {
    get preview() {
      return preview;
    },
    move({ point }) {
      rect = fromCorners(start, point);
      return (preview = { kind: 'marquee', bbox: rect });
    },
    end() {
      const s = host.get();
      const hits = coveredBy(rect, s.annotations.filter((a) => selectable(s, a)));
      if (add) host.set({ selectedIds: [...before, ...hits.filter((id) => !before.includes(id))] });
      else host.set({ selectedIds: hits, labelPopup: false });
    },
  };
}

/**
 * Moves every selected annotation together, the group kept inside the image; a click that
 * moves nothing selects the one clicked alone.
 */
function groupGesture(host: ToolHost, clicked: number, start: Point): Gesture | null {
  const image = host.get().image;
  const list = host.selection();
  const bounds = boundsOf(list.map((a) => a.bbox));
  if (!image || !bounds) return null;
  const ids = list.map((a) => a.id);
  let d = { dx: 0, dy: 0 };
  let preview: GesturePreview = { kind: 'group', ids, dx: 0, dy: 0 };
  return {
    get preview() {
      return preview;
    },
    move({ point: p }) {
      d = clampGroupOffset(bounds, p.x - start.x, p.y - start.y, image.width, image.height);
      return (preview = { kind: 'group', ids, ...d });
    },
    end() {
      if (!d.dx && !d.dy) return host.set({ selectedId: clicked });
      host.moveSelection(d.dx, d.dy);
    },
  };
}

/** Moves the box (`handle` null) or resizes it by one handle, kept inside the image. */
function boxGesture(host: ToolHost, a: Annotation, start: Point, handle: Handle | null): Gesture | null {
  const image = host.get().image;
  if (!image) return null;
  const orig = a.bbox as Bbox;
  let cur = orig;
  let preview: GesturePreview = { kind: 'box', id: a.id, bbox: cur };
  return {
    get preview() {
      return preview;
    },
    move({ point: p }) {
      const dx = p.x - start.x,
        dy = p.y - start.y;
      cur = handle
        ? clipBox(resizeBox(orig, handle, dx, dy), image.width, image.height)
        : clampMove(moveBox(orig, dx, dy), image.width, image.height);
      return (preview = { kind: 'box', id: a.id, bbox: cur });
    },
    end() {
      if (sameBox(cur, orig)) return;
      // A move keeps the size exactly; only the position is rounded (to 1/100 px).
      const b: Bbox = handle
        ? roundBox(cur)
        : [Math.round(cur[0] * 100) / 100, Math.round(cur[1] * 100) / 100, orig[2], orig[3]];
      if (b[2] >= 1 && b[3] >= 1) host.setBox(a.id, b, handle ? 'Resize box' : 'Move box');
    },
  };
}
