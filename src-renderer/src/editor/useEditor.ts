import { useSyncExternalStore } from 'react';
import type { EditorStore } from './store';
import type { EditorState } from './view-state';

export function useEditor(store: EditorStore): EditorState {
  return useSyncExternalStore(store.subscribe, store.get);
}

/** Mutable input state the key handler and the canvas share (not rendered). */
export const input = { spaceHeld: false, spacePanned: false };
