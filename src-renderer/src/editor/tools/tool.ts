/**
 * The shared shape of the editor's tools. A tool turns pointer input into intents on the
 * store (EditorStore's methods: createBox, setBox, setMask, selection); it owns no
 * annotation data and never talks to the server. A press starts a gesture; the gesture
 * follows the pointer with a preview the canvas draws, and emits its intent once, on
 * release: one drag is one intent, one undo step. Keyboard input reaches tools through
 * actions (actions/), which switch tools and set their options.
 */
import type { Annotation, Category } from '../../../../src-main/shared/contract';
import type { Bbox, Handle, Point } from '../geometry';
import type { EditorStore } from '../store';
import type { Tool } from '../view-state';

/** What a tool may use of the store: read the state, change selection, emit intents. */
export type ToolHost = Pick<
  EditorStore,
  | 'get'
  | 'set'
  | 'selected'
  | 'info'
  | 'createBox'
  | 'createMask'
  | 'setBox'
  | 'setMask'
  | 'categories'
  | 'stickyTools'
  | 'selection'
  | 'moveSelection'
>;

/** What is under the pointer, as the canvas hit-tests it. */
export type PointerTarget =
  { kind: 'handle'; handle: Handle } | { kind: 'annotation'; id: number } | { kind: 'empty' };

export interface PointerInput {
  /** In image pixels (continuous COCO coordinates). */
  point: Point;
  /** In canvas pixels (for panning, which moves the view itself). */
  screen: Point;
  target: PointerTarget;
  /** Alt was held (the polygon tool deletes the vertex clicked). */
  alt?: boolean;
  /** Shift was held (the select tool adds to or removes from the selection). */
  shift?: boolean;
}

/** What the canvas draws while a gesture lasts. */
export type GesturePreview =
  /** A committed box being moved or resized: drawn live, left out of the static layer. */
  | { kind: 'box'; id: number; bbox: Bbox }
  /** A new box being drawn. */
  | { kind: 'draw'; bbox: Bbox }
  /** A marquee being dragged (select tool): it selects the boxes it covers on release. */
  | { kind: 'marquee'; bbox: Bbox }
  /** A multi-selection being moved by (dx, dy): drawn live, left out of the static layer. */
  | { kind: 'group'; ids: number[]; dx: number; dy: number }
  /** A mask being painted: the whole mask, left out of the static layer (id null: a new one). */
  | {
      kind: 'paint';
      id: number | null;
      canvas: HTMLCanvasElement;
      /** The part of the canvas that holds the mask, [x, y, w, h]: only it is drawn (null: nothing yet). */
      region: [number, number, number, number] | null;
    }
  /** A mask's outline being edited (polygon tool): its rings, drawn live; the mask is left out. */
  | { kind: 'outline'; id: number; rings: number[][] }
  | { kind: 'pan' };

export interface Gesture {
  readonly preview: GesturePreview;
  /** The pointer moved (anywhere in the window); returns the preview to draw now. */
  move(input: Omit<PointerInput, 'target'>): GesturePreview;
  /** The button was released: emits the gesture's intent, if it did anything. */
  end(): void;
}

export interface EditorTool {
  id: Tool;
  /** CSS cursor over the canvas; `hovering` is true over an annotation. */
  cursor(hovering: boolean): string;
  /** Drawn under the pointer while the tool is active. */
  marker: 'crosshair' | 'brush' | null;
  /** The primary button went down on the canvas: the gesture it starts, if any. */
  press(host: ToolHost, input: PointerInput): Gesture | null;
}

/** Colour of a category on the canvas (a category deleted meanwhile gets the fallback). */
export const FALLBACK_COLOR = '#e5c07b';

export function categoryColor(categories: readonly Category[], id: number): string {
  return categories.find((c) => c.id === id)?.color ?? FALLBACK_COLOR;
}

export function annotationById(host: ToolHost, id: number): Annotation | undefined {
  return host.get().annotations.find((a) => a.id === id);
}
