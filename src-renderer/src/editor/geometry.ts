/**
 * Box geometry in image space. Boxes are COCO [x, y, w, h] in continuous pixel coordinates:
 * the origin is the top-left corner of the top-left pixel, so a box covering pixel (0, 0)
 * alone is [0, 0, 1, 1]. Screen ↔ image conversion is `image = (screen - pan) / zoom`.
 */
export type Bbox = [number, number, number, number];
export interface Point {
  x: number;
  y: number;
}

export type Handle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';
export const HANDLES: Handle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

export function handlePoint(b: Bbox, h: Handle): Point {
  const [x, y, w, hh] = b;
  const cx = x + w / 2,
    cy = y + hh / 2;
  switch (h) {
    case 'nw':
      return { x, y };
    case 'n':
      return { x: cx, y };
    case 'ne':
      return { x: x + w, y };
    case 'e':
      return { x: x + w, y: cy };
    case 'se':
      return { x: x + w, y: y + hh };
    case 's':
      return { x: cx, y: y + hh };
    case 'sw':
      return { x, y: y + hh };
    case 'w':
      return { x, y: cy };
  }
}

/** Moves the edges a handle owns by (dx, dy); flips are normalised away. */
export function resizeBox(b: Bbox, h: Handle, dx: number, dy: number): Bbox {
  let x0 = b[0],
    y0 = b[1],
    x1 = b[0] + b[2],
    y1 = b[1] + b[3];
  if (h.includes('w')) x0 += dx;
  if (h.includes('e')) x1 += dx;
  if (h.includes('n')) y0 += dy;
  if (h.includes('s')) y1 += dy;
  return fromCorners({ x: x0, y: y0 }, { x: x1, y: y1 });
}

export function fromCorners(a: Point, b: Point): Bbox {
  const x = Math.min(a.x, b.x),
    y = Math.min(a.y, b.y);
  return [x, y, Math.abs(b.x - a.x), Math.abs(b.y - a.y)];
}

export function unionBox(a: Bbox, b: Bbox): Bbox {
  const x0 = Math.min(a[0], b[0]),
    y0 = Math.min(a[1], b[1]);
  return [x0, y0, Math.max(a[0] + a[2], b[0] + b[2]) - x0, Math.max(a[1] + a[3], b[1] + b[3]) - y0];
}

export function moveBox(b: Bbox, dx: number, dy: number): Bbox {
  return [b[0] + dx, b[1] + dy, b[2], b[3]];
}

/** Keeps the box inside the image; a moved box keeps its size where it fits. */
export function clampMove(b: Bbox, width: number, height: number): Bbox {
  const w = Math.min(b[2], width),
    h = Math.min(b[3], height);
  return [Math.min(Math.max(0, b[0]), width - w), Math.min(Math.max(0, b[1]), height - h), w, h];
}

/** Clips a box to the image (for resizing and drawing). */
export function clipBox(b: Bbox, width: number, height: number): Bbox {
  const x0 = Math.max(0, b[0]),
    y0 = Math.max(0, b[1]);
  const x1 = Math.min(width, b[0] + b[2]),
    y1 = Math.min(height, b[1] + b[3]);
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}

/** Rounds to 1/100 px so stored boxes do not carry float noise from the zoom maths. */
export function roundBox(b: Bbox): Bbox {
  const r = (v: number) => Math.round(v * 100) / 100;
  return [r(b[0]), r(b[1]), r(b[2]), r(b[3])];
}

export function sameBox(a: Bbox, b: Bbox): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

export function containsPoint(b: Bbox, p: Point): boolean {
  return p.x >= b[0] && p.x <= b[0] + b[2] && p.y >= b[1] && p.y <= b[1] + b[3];
}

export function iou(a: Bbox, b: Bbox): number {
  const x0 = Math.max(a[0], b[0]),
    y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]),
    y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

export interface View {
  zoom: number;
  pan: Point;
}

export function toImage(view: View, screen: Point): Point {
  return { x: (screen.x - view.pan.x) / view.zoom, y: (screen.y - view.pan.y) / view.zoom };
}

export function toScreen(view: View, p: Point): Point {
  return { x: p.x * view.zoom + view.pan.x, y: p.y * view.zoom + view.pan.y };
}

/** Zooms by `factor` keeping the image point under `screen` fixed. */
export function zoomAt(view: View, screen: Point, factor: number, min = 0.02, max = 64): View {
  const zoom = Math.min(max, Math.max(min, view.zoom * factor));
  const k = zoom / view.zoom;
  return {
    zoom,
    pan: { x: screen.x - (screen.x - view.pan.x) * k, y: screen.y - (screen.y - view.pan.y) * k },
  };
}

/** The whole image centred in the viewport with a small margin. */
export function fitView(imageW: number, imageH: number, viewW: number, viewH: number, margin = 0.96): View {
  if (imageW <= 0 || imageH <= 0 || viewW <= 0 || viewH <= 0) return { zoom: 1, pan: { x: 0, y: 0 } };
  const zoom = Math.min(viewW / imageW, viewH / imageH) * margin;
  return { zoom, pan: { x: (viewW - imageW * zoom) / 2, y: (viewH - imageH * zoom) / 2 } };
}
