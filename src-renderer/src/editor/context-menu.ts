/**
 * Opening the right-click menu (the menu itself: panels/ContextMenu.tsx). A right-click on
 * an annotation the canvas may select acts on the selection: on a member of it, the whole
 * selection; otherwise that annotation alone, which it selects. Elsewhere it closes the menu.
 */
import type { EditorStore } from './store';
import type { PointerTarget } from './tools';
import { selectable } from './view-state';

export function openContextMenu(
  store: EditorStore,
  target: PointerTarget,
  at: { clientX: number; clientY: number },
): void {
  const s = store.get();
  const a = target.kind === 'annotation' ? s.annotations.find((x) => x.id === target.id) : undefined;
  if (!a || !selectable(s, a)) return store.set({ contextMenu: null });
  if (!s.selectedIds.includes(a.id)) store.set({ selectedId: a.id });
  store.set({ contextMenu: { x: at.clientX, y: at.clientY }, labelPopup: false });
}
