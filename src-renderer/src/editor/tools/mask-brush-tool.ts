/**
 * The mask brush and eraser: a stroke paints (or erases) discs of the brush size along
 * the pointer's path into the selected annotation's mask, and is one intent on release.
 */
import { unionBox, type Bbox } from '../geometry';
import { renderMask } from '../masks';
import { decodeRle, encodeMask, maskBbox, paintSegment, type Mask } from '../rle';
import { annotationById, categoryColor, type EditorTool, type Gesture, type GesturePreview } from './tool';

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
        ? decodeRle(a.rle as { size: [number, number]; counts: string })
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
          // The box follows the mask; a box-only annotation keeps its box, grown to hold the mask.
          const current = annotationById(host, a.id);
          const mb = maskBbox(mask);
          const bbox = mb && current && !current.rle ? unionBox(current.bbox as Bbox, mb) : mb;
          host.setMask(a.id, mb ? encodeMask(mask) : null, bbox, value ? 'Brush' : 'Erase');
        },
      };
    },
  };
}

export const brushTool = maskTool('brush', 1);
export const eraserTool = maskTool('eraser', 0);
