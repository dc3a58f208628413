/**
 * The editor's view state: what the screen shows (the open image, its annotations as the
 * person sees them, selection, tool, view, messages), held as one immutable object behind
 * a tiny external store that React reads with useSyncExternalStore. It holds no logic:
 * history lives in history.ts, saving in save-queue.ts, intents in store.ts.
 */
import type { ImageDetail, PendingPolicy } from '../../../src-main/shared/api';
import type { Annotation, ReviewStatus } from '../../../src-main/shared/contract';
import type { View } from './geometry';

export type Tool = 'select' | 'box' | 'brush' | 'eraser';

export interface EditorState {
  imageId: number | null;
  image: ImageDetail['image'] | null;
  prevId: number | null;
  nextId: number | null;
  status: ReviewStatus | null;
  /** Every annotation of the image, rejected and archived included (undo needs them). */
  annotations: Annotation[];
  selectedId: number | null;
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
  };
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
