/**
 * The right-click menu on an annotation (opened by the canvas or the list, see
 * editor/context-menu.ts). Each entry runs the editor action of the same name, so it acts
 * on the whole selection, records undo steps as the key would, and shows the key.
 */
import { useEffect, useRef } from 'react';
import { actionById, keysOf, performAction, type ActionContext } from '../editor/actions';
import { prettyChord } from '../editor/actions/keys';
import { focusCanvas } from './focus-canvas';

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
  // Kept on screen: opened near the right or bottom edge, it opens leftwards or upwards.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth) el.style.left = `${Math.max(0, at.x - r.width)}px`;
    if (r.bottom > window.innerHeight) el.style.top = `${Math.max(0, at.y - r.height)}px`;
  }, [at]);
  const n = store.get().selectedIds.length;
  return (
    <div className="overlay clear" onMouseDown={close} onContextMenu={(e) => (e.preventDefault(), close())}>
      <div
        ref={ref}
        className="context-menu"
        role="menu"
        style={{ left: at.x, top: at.y }}
        onMouseDown={(e) => e.stopPropagation()}
        data-testid="context-menu"
      >
        {n > 1 && <div className="muted small menu-note">{n} selected</div>}
        {ENTRIES.map((m) => {
          const a = actionById(m.id);
          const key = keysOf(a, ctx.scheme)[0];
          return (
            <button
              key={m.id}
              role="menuitem"
              onClick={() => {
                store.set({ contextMenu: null });
                performAction(a, ctx);
                if (m.id !== 'box.labelPopup') focusCanvas();
              }}
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
