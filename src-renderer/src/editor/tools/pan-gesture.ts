/**
 * Panning, in every tool: a middle-button drag, or a drag with Space held. It changes the
 * view only, never annotations.
 */
import type { Point } from '../geometry';
import type { Gesture, GesturePreview, ToolHost } from './tool';

export function panGesture(host: ToolHost, start: Point): Gesture {
  const orig = host.get().view.pan;
  const preview: GesturePreview = { kind: 'pan' };
  return {
    preview,
    move({ screen }) {
      host.set({
        view: {
          zoom: host.get().view.zoom,
          pan: { x: orig.x + screen.x - start.x, y: orig.y + screen.y - start.y },
        },
      });
      return preview;
    },
    end() {},
  };
}
