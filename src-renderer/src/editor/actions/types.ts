import type { Capture } from '../history';
import type { EditorStore } from '../store';

export type KeyScheme = 'default' | 'cvat';

export interface ActionContext {
  store: EditorStore;
  scheme: KeyScheme;
  /** Leaves the editor for the image browser. */
  exit(): void;
}

/**
 * An editor action is data: an id, a label for the help overlay and menus, its key
 * bindings, what it does, and whether it records an undo step (excalidraw's capture
 * policy). performAction runs `perform` inside EditorStore.capture: under `record` the
 * changes it commits become one undo step, saved in one call; under `none` they are saved
 * but never enter the history.
 */
export interface Action {
  id: string;
  label: string;
  /** Normalised chords, e.g. 'r', 'shift+arrowleft', 'mod+z' (mod = Ctrl, or ⌘ on macOS). */
  keys: string[];
  /** Bindings that replace `keys` under the CVAT key scheme. */
  cvatKeys?: string[];
  group: 'Tools' | 'Boxes' | 'Selection' | 'Predictions' | 'Masks' | 'History' | 'View' | 'Navigation';
  capture: Capture;
  perform(ctx: ActionContext, e?: KeyboardEvent): void;
}
