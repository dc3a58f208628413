/**
 * The mask brush and eraser: a stroke paints (or erases) discs of the brush size along the
 * pointer's path into the selected annotation's mask, and is one intent on release. With
 * nothing selected the brush starts a new annotation of the category for new annotations.
 *
 * Painting is incremental: the stroke keeps one decoded mask and one live canvas at the
 * mask's resolution (PaintSurface, shared by every stroke), and each pointer move paints and
 * re-tints only the rectangle its segment touched, allocating nothing.
 */
import { PaintSurface } from '../masks';
import { decodeCounts, encodeMask, stringToCounts, type BinaryMask as Mask } from '../../../../src-main/shared/masks';
import { maskBbox, paintSegment, type DirtyRect } from '../mask-paint';
import { categoryColor, type EditorTool, type Gesture, type GesturePreview } from './tool';

let surface: PaintSurface | null = null;
/** The decoded-mask buffer, reused by every stroke on images of one size. */
let buffer: Uint8Array | null = null;

function strokeMask(width: number, height: number, counts: string | null): Mask {
  if (!buffer || buffer.length !== width * height) buffer = new Uint8Array(width * height);
  if (counts) return decodeCounts(stringToCounts(counts), height, width, buffer);
  buffer.fill(0);
  return { width, height, data: buffer };
}

function maskTool(id: 'brush' | 'eraser', value: 0 | 1): EditorTool {
  return {
    id,
    cursor: () => 'none', // the brush circle is the cursor
    marker: 'brush',
    press(host, { point }): Gesture | null {
      const image = host.get().image;
      if (!image) return null;
      const a = host.selected();
      if (!a && !value) {
        host.info('Select an annotation first: the eraser edits its mask');
        return null;
      }
      const categoryId = a ? a.categoryId : host.get().drawCategoryId;
      if (categoryId == null) {
        host.info('Add a category first (Categories panel)');
        return null;
      }
      const sameSize = a?.rle && a.rle.size[0] === image.height && a.rle.size[1] === image.width;
      const mask = strokeMask(image.width, image.height, sameSize ? a.rle!.counts : null);
      const color = categoryColor(host.categories, categoryId);
      const radius = () => host.get().brushSize / 2;
      surface ??= new PaintSurface();
      const dirty: DirtyRect = { x0: 0, y0: 0, x1: 0, y1: 0 };
      paintSegment(mask, point, point, radius(), value, dirty);
      surface.begin(mask, color);
      const canvas = surface.canvas;
      let last = point;
      let preview: GesturePreview = { kind: 'paint', id: a?.id ?? null, canvas, region: surface.region() };
      return {
        get preview() {
          return preview;
        },
        move({ point: p }) {
          if (paintSegment(mask, last, p, radius(), value, dirty)) surface!.update(mask, dirty);
          last = p;
          // A new object, so the canvas re-renders the same (repainted) sprite.
          return (preview = { kind: 'paint', id: a?.id ?? null, canvas, region: surface!.region() });
        },
        end() {
          const empty = !maskBbox(mask);
          if (!a) {
            if (!empty) host.createMask(encodeMask(mask), 'Brush');
            return;
          }
          // The mask alone: its box follows it by the shared rule (the store says so when a
          // box-only annotation's box is fitted to its new mask). Erasing it all removes it.
          host.setMask(a.id, empty ? null : encodeMask(mask), value ? 'Brush' : 'Erase');
        },
      };
    },
  };
}

export const brushTool = maskTool('brush', 1);
export const eraserTool = maskTool('eraser', 0);
