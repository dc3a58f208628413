import { useSyncExternalStore } from 'react';
import type { EditorState, EditorStore } from './store';

export function useEditor(store: EditorStore): EditorState {
  return useSyncExternalStore(store.subscribe, store.get);
}

/** Mutable input state the key handler and the canvas share (not rendered). */
export const input = { spaceHeld: false, spacePanned: false };
