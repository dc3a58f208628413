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
 * policy: `record` actions go through EditorStore.commit, `none` never touch history).
 */
export interface Action {
  id: string;
  label: string;
  /** Normalised chords, e.g. 'r', 'shift+arrowleft', 'mod+z' (mod = Ctrl, or ⌘ on macOS). */
  keys: string[];
  /** Bindings that replace `keys` under the CVAT key scheme. */
  cvatKeys?: string[];
  group: 'Tools' | 'Boxes' | 'Predictions' | 'Masks' | 'History' | 'View' | 'Navigation';
  capture: 'record' | 'none';
  perform(ctx: ActionContext, e?: KeyboardEvent): void;
}
