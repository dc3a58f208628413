/**
 * The right-click menu on an annotation (opened by the canvas or the list, see
 * editor/context-menu.ts). Each entry runs the editor action of the same name, so it acts
 * on the whole selection, records undo steps as the key would, and shows the key.
 * While it is open it has the keyboard (the editor's key handler stands aside): ↑/↓, Home
 * and End move between entries, Enter runs the focused one, an entry's own key runs that
 * entry, Esc closes; any other key does nothing, so nothing acts behind the menu. It closes
 * after every entry it runs and on any click outside it.
 */
import { useEffect, useRef } from 'react';
import { actionById, keysOf, performAction, type ActionContext } from '../editor/actions';
import { chordOf, prettyChord } from '../editor/actions/keys';
import { focusCanvas } from './focus-canvas';
import { menuKey } from '../editor/context-menu';

const ENTRIES: { id: string; label: string }[] = [
  { id: 'box.labelPopup', label: 'Relabel…' },
  { id: 'pred.accept', label: 'Accept' },
  { id: 'pred.reject', label: 'Reject' },
  { id: 'box.delete', label: 'Delete' },
  { id: 'ann.hide', label: 'Hide' },
  { id: 'ann.lock', label: 'Lock' },
  { id: 'ann.crowd', label: 'Toggle iscrowd' },
  { id: 'ann.front', label: 'To front' },
  { id: 'ann.back', label: 'To back' },
];

export function ContextMenu({ ctx, at }: { ctx: ActionContext; at: { x: number; y: number } }) {
  const { store } = ctx;
  const ref = useRef<HTMLDivElement>(null);
  const close = () => {
    store.set({ contextMenu: null });
    focusCanvas();
  };
  const run = (id: string) => {
    store.set({ contextMenu: null });
    performAction(actionById(id), ctx);
    if (id !== 'box.labelPopup') focusCanvas();
  };
  // Kept on screen: opened near the right or bottom edge, it opens leftwards or upwards.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth) el.style.left = `${Math.max(0, at.x - r.width)}px`;
    if (r.bottom > window.innerHeight) el.style.top = `${Math.max(0, at.y - r.height)}px`;
    el.focus();
  }, [at]);
  // The keyboard, on the window in the capture phase so it holds wherever the focus is and
  // comes before the editor's handler; latest props via the ref.
  const keys = useRef({ ctx, run, close });
  keys.current = { ctx, run, close };
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      const { ctx, run, close } = keys.current;
      if (e.key === 'Shift' || e.key === 'Control' || e.key === 'Alt' || e.key === 'Meta') return;
      // First and only: no other key handler sees the key, whatever the menu does with it.
      e.preventDefault();
      e.stopImmediatePropagation();
      if (e.repeat) return;
      const items = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
      const focused = items.findIndex((b) => b === document.activeElement);
      const r = menuKey(
        chordOf(e),
        ENTRIES.map((m) => keysOf(actionById(m.id), ctx.scheme)),
        focused,
      );
      if (r.kind === 'close') close();
      else if (r.kind === 'focus') items[r.index]?.focus();
      else if (r.kind === 'run') run(ENTRIES[r.index].id);
    };
    window.addEventListener('keydown', down, true);
    return () => window.removeEventListener('keydown', down, true);
  }, []);
  const n = store.get().selectedIds.length;
  return (
    <div className="overlay clear" onMouseDown={close} onContextMenu={(e) => (e.preventDefault(), close())}>
      <div
        ref={ref}
        className="context-menu"
        role="menu"
        tabIndex={-1}
        style={{ left: at.x, top: at.y }}
        onMouseDown={(e) => e.stopPropagation()}
        data-testid="context-menu"
      >
        {n > 1 && <div className="muted small menu-note">{n} selected</div>}
        {ENTRIES.map((m) => {
          const key = keysOf(actionById(m.id), ctx.scheme)[0];
          return (
            <button
              key={m.id}
              role="menuitem"
              tabIndex={-1}
              onClick={() => run(m.id)}
              data-testid={`menu-${m.id}`}
            >
              <span>{m.label}</span>
              {key && <kbd>{prettyChord(key)}</kbd>}
            </button>
          );
        })}
      </div>
    </div>
  );
}
