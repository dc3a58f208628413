/**
 * The polygon being drawn, vertex by vertex: view state of the polygon tool alone (it is no
 * annotation until it is closed), held in a tiny external store the canvas subscribes to.
 * A draft belongs to one image; leaving the image or the tool drops it.
 */
import { useSyncExternalStore } from 'react';

export interface PolygonDraft {
  imageId: number;
  /** [x1, y1, x2, y2, ...] in image pixels. */
  points: number[];
}

let draft: PolygonDraft | null = null;
const listeners = new Set<() => void>();

export function getDraft(): PolygonDraft | null {
  return draft;
}

export function setDraft(d: PolygonDraft | null): void {
  if (d === draft) return;
  draft = d;
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function usePolygonDraft(): PolygonDraft | null {
  return useSyncExternalStore(subscribe, getDraft);
}
