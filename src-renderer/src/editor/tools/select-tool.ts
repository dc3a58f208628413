/**
 * The select tool: a click selects the annotation under the pointer (or clears the
 * selection), dragging a box moves it, dragging a handle of the selected box resizes it.
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

export const selectTool: EditorTool = {
  id: 'select',
  cursor: (hovering) => (hovering ? 'move' : 'default'),
  marker: null,
  press(host, { point, target }): Gesture | null {
    if (target.kind === 'handle' && host.get().selectedId != null) {
      const a = host.selected();
      if (a) return boxGesture(host, a, point, target.handle);
    }
    if (target.kind === 'annotation') {
      const a = annotationById(host, target.id);
      if (!a) return null;
      host.set({ selectedId: a.id });
      return boxGesture(host, a, point, null);
    }
    host.set({ selectedId: null, labelPopup: false });
    return null;
  },
};

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
