/**
 * The editor's view state: what the screen shows (the open image, its annotations as the
 * person sees them, selection, tool, view, messages), held as one immutable object behind
 * a tiny external store that React reads with useSyncExternalStore. It holds no logic:
 * history lives in history.ts, saving in save-queue.ts, intents in store.ts.
 */
import type { ImageDetail, PendingPolicy } from '../../../src-main/shared/api';
import type { Annotation, ReviewStatus } from '../../../src-main/shared/contract';
import type { View } from './geometry';

export type Tool = 'select' | 'box' | 'brush' | 'eraser' | 'polygon' | 'smart';

export interface EditorState {
  imageId: number | null;
  image: ImageDetail['image'] | null;
  prevId: number | null;
  nextId: number | null;
  status: ReviewStatus | null;
  /** Every annotation of the image, rejected and archived included (undo needs them). */
  annotations: Annotation[];
  /** The primary selection (handles, the brush, the label popup): the last one selected. */
  selectedId: number | null;
  /**
   * Every selected annotation, the primary one last. Setting `selectedId` alone selects
   * that one only; setting `selectedIds` alone makes its last the primary (ViewState.set).
   */
  selectedIds: number[];
  hoverId: number | null;
  tool: Tool;
  /** Category new boxes get. */
  drawCategoryId: number | null;
  brushSize: number;
  showMasks: boolean;
  maskOpacity: number;
  acceptThreshold: number;
  view: View;
  viewport: { width: number; height: number };
  labelPopup: boolean;
  help: boolean;
  loading: boolean;
  savingCount: number;
  historyDepth: { undo: number; redo: number };
  message: { text: string; kind: 'info' | 'error' } | null;
  /** The file as the server checked it when the image was opened (null before a load). */
  file: ImageDetail['file'] | null;
  /** Why the browser could not show the image (set by the canvas), null while it is fine. */
  imageError: string | null;
  /** Rejected annotations are drawn (faded) and listed, so they can be restored. */
  showRejected: boolean;
  /** Open while Space asks what to do with the image's pending predictions: their count. */
  reviewPrompt: number | null;
  /** What Space does with pending predictions: ask, or apply one policy without asking. */
  reviewDefault: PendingPolicy | 'ask';
  /**
   * Hidden and locked annotations and categories, and the draw order: view state, not data
   * (never saved, exported or undone). Hidden ones are not drawn; neither hidden nor locked
   * ones can be selected or moved on the canvas. Annotation ids are unique in the project,
   * so one set serves every image.
   */
  hidden: ReadonlySet<number>;
  locked: ReadonlySet<number>;
  hiddenCategories: ReadonlySet<number>;
  lockedCategories: ReadonlySet<number>;
  /** Draw order set by "to front" / "to back" (higher is drawn later); unset: the list's order. */
  order: ReadonlyMap<number, number>;
  /** The right-click menu, at client coordinates, while it is open. */
  contextMenu: { x: number; y: number } | null;
}

/** The viewport before the canvas measured itself (the first real size fits the image). */
export const DEFAULT_VIEWPORT = { width: 800, height: 600 };

export function initialEditorState(): EditorState {
  return {
    imageId: null,
    image: null,
    prevId: null,
    nextId: null,
    status: null,
    annotations: [],
    selectedId: null,
    selectedIds: [],
    hoverId: null,
    tool: 'select',
    drawCategoryId: null,
    brushSize: 12,
    showMasks: true,
    maskOpacity: 0.45,
    acceptThreshold: 0.5,
    view: { zoom: 1, pan: { x: 0, y: 0 } },
    viewport: { ...DEFAULT_VIEWPORT },
    labelPopup: false,
    help: false,
    loading: false,
    savingCount: 0,
    historyDepth: { undo: 0, redo: 0 },
    message: null,
    file: null,
    imageError: null,
    showRejected: false,
    reviewPrompt: null,
    reviewDefault: 'ask',
    hidden: new Set(),
    locked: new Set(),
    hiddenCategories: new Set(),
    lockedCategories: new Set(),
    order: new Map(),
    contextMenu: null,
  };
}

type Look = Pick<EditorState, 'hidden' | 'locked' | 'hiddenCategories' | 'lockedCategories'>;

/** Hidden by itself or by its category: not drawn, not selectable. */
export function isHidden(s: Pick<Look, 'hidden' | 'hiddenCategories'>, a: Pick<Annotation, 'id' | 'categoryId'>): boolean {
  return s.hidden.has(a.id) || s.hiddenCategories.has(a.categoryId);
}

/** Locked by itself or by its category: drawn, but not selectable or movable on the canvas. */
export function isLocked(s: Pick<Look, 'locked' | 'lockedCategories'>, a: Pick<Annotation, 'id' | 'categoryId'>): boolean {
  return s.locked.has(a.id) || s.lockedCategories.has(a.categoryId);
}

/** Whether the canvas may select (and so move) it: a visible state, neither hidden nor locked. */
export function selectable(s: Look, a: Annotation): boolean {
  return VISIBLE_STATES.has(a.state) && !isHidden(s, a) && !isLocked(s, a);
}

/**
 * What the canvas draws in its static layer: the shown annotations less the hidden ones and
 * those a gesture draws live (`live`), in draw order.
 */
export function canvasAnnotations(
  s: Pick<EditorState, 'annotations' | 'showRejected' | 'order' | 'hidden' | 'hiddenCategories'>,
  live: ReadonlySet<number>,
): Annotation[] {
  const list = shownAnnotations(s).filter((a) => !isHidden(s, a) && !live.has(a.id));
  return inDrawOrder(list, s.order);
}

/** `list` in draw order: "to front" / "to back" first, then the list's own order (stable). */
export function inDrawOrder<T extends { id: number }>(list: T[], order: ReadonlyMap<number, number>): T[] {
  if (!order.size) return list;
  return list
    .map((a, i) => ({ a, i, z: order.get(a.id) ?? 0 }))
    .sort((p, q) => p.z - q.z || p.i - q.i)
    .map((x) => x.a);
}

/** States drawn on the canvas and listed in the panel; rejected and archived ones are hidden. */
export const VISIBLE_STATES = new Set(['pending', 'accepted']);

/** The annotations drawn and listed: the visible ones, and the rejected ones on request. */
export function shownAnnotations(s: Pick<EditorState, 'annotations' | 'showRejected'>): Annotation[] {
  return s.annotations.filter(
    (a) => VISIBLE_STATES.has(a.state) || (s.showRejected && a.state === 'rejected'),
  );
}

/**
 * Why the open image cannot be edited, or null when it can: the server found its file
 * missing, unreadable or changed on disk, or the browser could not load it.
 */
export function notEditableReason(s: Pick<EditorState, 'file' | 'imageError'>): string | null {
  if (s.file && s.file.state !== 'ok') return s.file.message ?? `The image file is ${s.file.state}`;
  return s.imageError;
}

/** The external store: one state object, replaced (never mutated) on every change. */
export class ViewState {
  private state: EditorState = initialEditorState();
  private listeners = new Set<() => void>();

  get = (): EditorState => this.state;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  set(patch: Partial<EditorState>): void {
    // One selection, two views of it: the primary id and the whole list (see EditorState).
    if (patch.selectedIds !== undefined && patch.selectedId === undefined)
      patch = { ...patch, selectedId: patch.selectedIds[patch.selectedIds.length - 1] ?? null };
    else if (patch.selectedId !== undefined && patch.selectedIds === undefined)
      patch = { ...patch, selectedIds: patch.selectedId == null ? [] : [patch.selectedId] };
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  info(text: string): void {
    this.set({ message: { text, kind: 'info' } });
  }

  error(text: string): void {
    this.set({ message: { text, kind: 'error' } });
  }
}
