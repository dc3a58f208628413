/**
 * The editor's view state: what the screen shows (the open image, its annotations as the
 * person sees them, selection, tool, view, messages), held as one immutable object behind
 * a tiny external store that React reads with useSyncExternalStore. It holds no logic:
 * history lives in history.ts, saving in save-queue.ts, intents in store.ts.
 */
import type { ImageDetail } from '../../../src-main/shared/api';
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
  };
}

/** States drawn on the canvas and listed in the panel; rejected and archived ones are hidden. */
export const VISIBLE_STATES = new Set(['pending', 'accepted']);

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
