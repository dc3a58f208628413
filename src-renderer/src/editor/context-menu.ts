/**
 * Opening the right-click menu (the menu itself: panels/ContextMenu.tsx). A right-click on
 * an annotation the canvas may select acts on the selection: on a member of it, the whole
 * selection; otherwise that annotation alone, which it selects. Elsewhere it closes the menu.
 * And the menu's keys while it is open (menuKey).
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

/**
 * What the open menu does with a key chord: Esc closes; ↑/↓ (Tab, Shift+Tab), Home and End
 * move the focus over the entries (`focused`: the focused entry, -1 for none); Enter or Space
 * runs the focused entry; an entry's own key (`entryKeys`, in menu order) runs that entry.
 * Anything else does nothing: no editor key acts behind the menu.
 */
export function menuKey(
  chord: string,
  entryKeys: readonly (readonly string[])[],
  focused: number,
): { kind: 'close' } | { kind: 'focus'; index: number } | { kind: 'run'; index: number } | { kind: 'none' } {
  const n = entryKeys.length;
  if (chord === 'escape') return { kind: 'close' };
  if (chord === 'arrowdown' || chord === 'tab') return { kind: 'focus', index: (focused + 1 + n) % n };
  if (chord === 'arrowup' || chord === 'shift+tab')
    return { kind: 'focus', index: focused < 0 ? n - 1 : (focused - 1 + n) % n };
  if (chord === 'home') return { kind: 'focus', index: 0 };
  if (chord === 'end') return { kind: 'focus', index: n - 1 };
  if ((chord === 'enter' || chord === 'space') && focused >= 0) return { kind: 'run', index: focused };
  const i = entryKeys.findIndex((keys) => keys.includes(chord));
  return i >= 0 ? { kind: 'run', index: i } : { kind: 'none' };
}
