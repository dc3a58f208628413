/**
 * Whether a drawing tool stays active after it made an annotation (sticky, the default, as
 * in CVAT's "repeat draw"), or the editor drops back to Select after each one (the old
 * behaviour, for people used to it). A per-browser preference, kept in localStorage.
 */
const KEY = 'labelwright.stickyTools';

export function loadStickyTools(): boolean {
  try {
    return globalThis.localStorage?.getItem(KEY) !== 'off';
  } catch {
    return true; // storage disabled (private mode): the default
  }
}

export function saveStickyTools(on: boolean): void {
  try {
    globalThis.localStorage?.setItem(KEY, on ? 'on' : 'off');
  } catch {
    // Storage disabled: the choice lasts for this session only (the store holds it).
  }
}
