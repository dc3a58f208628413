/**
 * The mask brush and eraser: a stroke paints (or erases) discs of the brush size along
 * the pointer's path into the selected annotation's mask, and is one intent on release.
 */
import { renderMask } from '../masks';
import { decodeRle, encodeMask, type BinaryMask as Mask } from '../../../../src-main/shared/masks';
import { maskBbox, paintSegment } from '../mask-paint';
import { categoryColor, type EditorTool, type Gesture, type GesturePreview } from './tool';

function maskTool(id: 'brush' | 'eraser', value: 0 | 1): EditorTool {
  return {
    id,
    cursor: () => 'none', // the brush circle is the cursor
    marker: 'brush',
    press(host, { point }): Gesture | null {
      const image = host.get().image;
      if (!image) return null;
      const a = host.selected();
      if (!a) {
        host.info('Select an annotation first: the brush edits its mask');
        return null;
      }
      const mask: Mask = a.rle
        ? decodeRle(a.rle)
        : { width: image.width, height: image.height, data: new Uint8Array(image.width * image.height) };
      const color = categoryColor(host.categories, a.categoryId);
      const radius = () => host.get().brushSize / 2;
      paintSegment(mask, point, point, radius(), value);
      const canvas = renderMask(mask, color);
      let last = point;
      let preview: GesturePreview = { kind: 'paint', id: a.id, canvas };
      return {
        get preview() {
          return preview;
        },
        move({ point: p }) {
          paintSegment(mask, last, p, radius(), value);
          renderMask(mask, color, canvas);
          last = p;
          // A new object, so the canvas re-renders the same (repainted) sprite.
          return (preview = { kind: 'paint', id: a.id, canvas });
        },
        end() {
          // The mask alone: its box follows it by the shared rule (the store says so when a
          // box-only annotation's box is fitted to its new mask). Erasing it all removes it.
          host.setMask(a.id, maskBbox(mask) ? encodeMask(mask) : null, value ? 'Brush' : 'Erase');
        },
      };
    },
  };
}

export const brushTool = maskTool('brush', 1);
export const eraserTool = maskTool('eraser', 0);
