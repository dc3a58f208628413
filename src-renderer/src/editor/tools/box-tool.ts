/** The box tool: press, drag and release draws a new box in the category for new boxes. */
import { clipBox, fromCorners, roundBox, type Bbox } from '../geometry';
import type { EditorTool, Gesture, GesturePreview } from './tool';

/** Smaller boxes are taken for stray clicks, not drawn. */
const MIN_SIDE = 2;

export const boxTool: EditorTool = {
  id: 'box',
  cursor: () => 'crosshair',
  marker: 'crosshair',
  press(host, { point }): Gesture | null {
    const image = host.get().image;
    if (!image) return null;
    const start = point;
    let cur: Bbox = [point.x, point.y, 0, 0];
    let preview: GesturePreview = { kind: 'draw', bbox: cur };
    return {
      get preview() {
        return preview;
      },
      move({ point: p }) {
        cur = clipBox(fromCorners(start, p), image.width, image.height);
        return (preview = { kind: 'draw', bbox: cur });
      },
      end() {
        const b = roundBox(cur);
        if (b[2] >= MIN_SIDE && b[3] >= MIN_SIDE) host.createBox(b);
      },
    };
  },
};
