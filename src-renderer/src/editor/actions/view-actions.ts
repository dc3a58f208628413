/**
 * Hide, lock and draw order: view state only (view-state.ts). None of it is saved,
 * exported or undone, so these never go through a commit. What becomes hidden or locked
 * leaves the selection, since the canvas may not select it.
 */
import type { EditorStore } from '../store';
import { isHidden, isLocked, selectable } from '../view-state';

type Flag = 'hidden' | 'locked';

/**
 * Toggles a flag on `ids`: set on all of them, or cleared when all have it. Without ids:
 * hiding with nothing selected shows every hidden annotation again.
 */
export function toggleFlag(store: EditorStore, flag: Flag, ids: readonly number[] = store.get().selectedIds): void {
  const s = store.get();
  const set = new Set(s[flag]);
  if (!ids.length) {
    if (flag === 'hidden' && set.size) {
      store.set({ hidden: new Set() });
      return store.info(`Showing ${set.size} hidden`);
    }
    return store.info(`Select an annotation to ${flag === 'hidden' ? 'hide' : 'lock'} (or use the list)`);
  }
  const on = !ids.every((id) => set.has(id));
  for (const id of ids) {
    if (on) set.add(id);
    else set.delete(id);
  }
  store.set({ [flag]: set });
  dropUnselectable(store);
  const word = flag === 'hidden' ? (on ? 'Hidden' : 'Shown') : on ? 'Locked' : 'Unlocked';
  store.info(`${word}: ${ids.length}`);
}

/** Toggles a flag on a whole category (the categories panel). */
export function toggleCategoryFlag(store: EditorStore, flag: Flag, categoryId: number): void {
  const key = flag === 'hidden' ? 'hiddenCategories' : 'lockedCategories';
  const set = new Set(store.get()[key]);
  if (!set.delete(categoryId)) set.add(categoryId);
  store.set({ [key]: set });
  dropUnselectable(store);
}

/** Whether an annotation is hidden or locked, by itself or by its category. */
export function flagOf(store: EditorStore, flag: Flag, a: { id: number; categoryId: number }): boolean {
  return flag === 'hidden' ? isHidden(store.get(), a) : isLocked(store.get(), a);
}

/** Draws the selection above (front) or below (back) every other annotation. */
export function drawOrder(store: EditorStore, where: 'front' | 'back'): void {
  const s = store.get();
  const ids = s.selectedIds;
  if (!ids.length) return store.info('Select an annotation first');
  const order = new Map(s.order);
  const zs = s.annotations.map((a) => order.get(a.id) ?? 0);
  let z = where === 'front' ? Math.max(0, ...zs) + 1 : Math.min(0, ...zs) - 1;
  // The selection keeps its own order among itself.
  for (const id of s.annotations.map((a) => a.id).filter((id) => ids.includes(id))) {
    order.set(id, z);
    z += where === 'front' ? 1 : 0;
  }
  store.set({ order });
}

function dropUnselectable(store: EditorStore): void {
  const s = store.get();
  const keep = s.selectedIds.filter((id) => {
    const a = s.annotations.find((x) => x.id === id);
    return a != null && selectable(s, a);
  });
  if (keep.length !== s.selectedIds.length) store.set({ selectedIds: keep });
}
