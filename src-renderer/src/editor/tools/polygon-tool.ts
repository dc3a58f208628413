/**
 * The polygon tool (P). Drawing: each click adds a vertex; a click on the first vertex (or
 * Enter) closes the polygon into a new mask annotation of the category for new annotations,
 * Backspace removes the last vertex, Esc drops the draft. Editing: with an annotation that
 * has a mask selected, its outline is shown (traced from the mask, holes included); drag a
 * vertex to move it, press on an edge to insert a vertex there (and drag it), Alt+click a
 * vertex to delete it (as in CVAT). Every edit rasterises the outline back into the mask by the COCO
 * rules (polygon-geometry.ts), and the box follows the mask by the shared edit rules.
 */
import { decodeRle, rasterizePolygons, rleArea } from '../../../../src-main/shared/masks';
import type { Annotation } from '../../../../src-main/shared/contract';
import type { EditorStore } from '../store';
import type { KeyScheme } from '../actions/types';
import {
  editedRings,
  hitEdge,
  hitVertex,
  insertVertex,
  outlineOf,
  removeVertex,
  ringsToRle,
  withVertex,
  type Outline,
} from './polygon-geometry';
import { getDraft, setDraft } from './polygon-draft';
import type { EditorTool, Gesture, GesturePreview, ToolHost } from './tool';

/** How near (screen px) a click must be to a vertex or an edge to take it. */
const GRAB_PX = 7;

let cached: { counts: string; outline: Outline } | null = null;

/**
 * The polygons this session drew or edited, by the mask they rasterised to. A mask is only
 * pixels, but a person who drew six vertices expects to edit those six, not the traced
 * staircase; while the mask is still exactly what the polygon made (undo and redo included),
 * its polygon is what the tool shows. Any other mask is traced.
 */
const remembered = new Map<string, number[][]>();
const REMEMBER_MAX = 500;

function remember(counts: string, rings: number[][]): void {
  remembered.delete(counts);
  remembered.set(counts, rings);
  if (remembered.size > REMEMBER_MAX) remembered.delete(remembered.keys().next().value!);
}

/** The outline of an annotation's mask: its polygon if this session made it, else traced (once per mask). */
export function outlineOfAnnotation(a: Pick<Annotation, 'rle'>): Outline | null {
  if (!a.rle) return null;
  const drawn = remembered.get(a.rle.counts);
  if (drawn) return { exact: drawn, shown: drawn };
  if (cached?.counts !== a.rle.counts) cached = { counts: a.rle.counts, outline: outlineOf(decodeRle(a.rle)) };
  return cached.outline;
}

/** The selected annotation when the polygon tool can edit its outline. */
function editable(host: ToolHost): Annotation | undefined {
  const a = host.selected();
  const img = host.get().image;
  return a?.rle && img && a.rle.size[0] === img.height && a.rle.size[1] === img.width ? a : undefined;
}

/** Closes the draft into a new annotation; false when there is no polygon to close. */
export function closeDraft(host: Pick<EditorStore, 'get' | 'set' | 'info' | 'createMask' | 'stickyTools'>): boolean {
  const d = getDraft();
  const img = host.get().image;
  if (!d || !img || d.imageId !== host.get().imageId) return false;
  if (d.points.length < 6) {
    host.info('A polygon needs at least 3 vertices');
    return true;
  }
  const rle = rasterizePolygons([d.points], img.height, img.width);
  if (rleArea(rle) === 0) {
    host.info('The polygon covers no pixel centre: nothing to add');
    return true;
  }
  setDraft(null);
  remember(rle.counts, [d.points]);
  if (host.createMask(rle, 'Polygon') != null && !host.stickyTools) host.set({ tool: 'select' });
  return true;
}

/**
 * The polygon tool's keys while a draft is open: Enter closes it, Backspace removes the last
 * vertex, Esc drops it. Returns whether the key was the tool's (the editor's keys stay off).
 */
export function polygonKey(key: string, store: EditorStore, scheme: KeyScheme = 'default'): boolean {
  const d = getDraft();
  if (store.get().tool !== 'polygon' || !d || d.imageId !== store.get().imageId) return false;
  // CVAT finishes a shape being drawn with N, the key that started it.
  if (key === 'Enter' || (scheme === 'cvat' && key.toLowerCase() === 'n')) return closeDraft(store);
  if (key === 'Backspace') {
    setDraft(d.points.length > 2 ? { ...d, points: d.points.slice(0, -2) } : null);
    return true;
  }
  if (key === 'Escape') {
    setDraft(null);
    return true;
  }
  return false;
}

/** One outline edit gesture: ring `ring` follows the pointer's vertex until release. */
function vertexDrag(host: ToolHost, a: Annotation, o: Outline, ring: number, index: number, start: number[], from: { x: number; y: number }): Gesture {
  const img = host.get().image!;
  let cur = start;
  let moved = false;
  const rings = () => o.shown.map((r, i) => (i === ring ? cur : r));
  let preview: GesturePreview = { kind: 'outline', id: a.id, rings: rings() };
  const vx = start[2 * index],
    vy = start[2 * index + 1];
  return {
    get preview() {
      return preview;
    },
    move({ point }) {
      const p = {
        x: Math.min(img.width, Math.max(0, vx + point.x - from.x)),
        y: Math.min(img.height, Math.max(0, vy + point.y - from.y)),
      };
      cur = withVertex(start, index, p);
      moved ||= point.x !== from.x || point.y !== from.y;
      return (preview = { kind: 'outline', id: a.id, rings: rings() });
    },
    end() {
      // A press on an edge inserts a vertex even without a drag; a press on a vertex alone is no edit.
      if (!moved && start === o.shown[ring]) return;
      commitRings(host, a, editedRings(o, ring, cur), moved ? 'Move vertex' : 'Insert vertex');
    },
  };
}

function commitRings(host: ToolHost, a: Annotation, rings: number[][], label: string): void {
  const img = host.get().image!;
  const rle = ringsToRle(rings, img.height, img.width);
  remember(rle.counts, rings);
  host.setMask(a.id, rleArea(rle) ? rle : null, label);
}

export const polygonTool: EditorTool = {
  id: 'polygon',
  cursor: () => 'crosshair',
  marker: 'crosshair',
  press(host, { point, alt }): Gesture | null {
    const s = host.get();
    if (!s.image || s.imageId == null) return null;
    const tol = GRAB_PX / s.view.zoom;
    const d = getDraft();
    if (d && d.imageId === s.imageId) {
      const n = d.points.length;
      if (n >= 6 && Math.hypot(point.x - d.points[0], point.y - d.points[1]) <= tol) {
        closeDraft(host);
        return null;
      }
      setDraft({ ...d, points: [...d.points, point.x, point.y] });
      return null;
    }
    const a = editable(host);
    const o = a && outlineOfAnnotation(a);
    if (a && o) {
      const v = hitVertex(o.shown, point, tol);
      if (v && alt) {
        commitRings(host, a, editedRings(o, v.ring, removeVertex(o.shown[v.ring], v.index)), 'Delete vertex');
        return null;
      }
      if (v) return vertexDrag(host, a, o, v.ring, v.index, o.shown[v.ring], point);
      const e = hitEdge(o.shown, point, tol);
      if (e && !alt) {
        const ring = insertVertex(o.shown[e.ring], e.index, e.point);
        return vertexDrag(host, a, o, e.ring, e.index + 1, ring, point);
      }
    }
    setDraft({ imageId: s.imageId, points: [point.x, point.y] });
    return null;
  },
};
