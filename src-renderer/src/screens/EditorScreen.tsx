import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { imageUrl, useApp } from '../app-context';
import { EditorCanvas } from '../editor/Canvas';
import { useEditor } from '../editor/useEditor';
import { useEditorKeys } from '../editor/useEditorKeys';
import { actionById, actions, keysOf, performAction, type ActionContext } from '../editor/actions';
import { prettyChord } from '../editor/actions/keys';
import { VISIBLE_STATES, type Tool } from '../editor/view-state';
import { STATUS_LABEL } from './BrowserScreen';

const TOOLS: { id: Tool; label: string; key: string }[] = [
  { id: 'select', label: 'Select', key: 'V' },
  { id: 'box', label: 'Box', key: 'R' },
  { id: 'brush', label: 'Brush', key: 'B' },
  { id: 'eraser', label: 'Eraser', key: 'E' },
];

export function EditorScreen() {
  const app = useApp();
  const { store, scheme, session, go } = app;
  const s = useEditor(store);
  const ctx: ActionContext = useMemo(
    () => ({ store, scheme, exit: () => go('browser') }),
    [store, scheme, go],
  );
  useEditorKeys(ctx, true);
  /** Toolbar buttons run the same actions as their keys. */
  const run = (id: string) => performAction(actionById(id), ctx);

  if (s.imageId == null) {
    return <div className="empty">{s.loading ? 'Loading…' : 'Open an image from the Images tab.'}</div>;
  }
  const visible = s.annotations.filter((a) => VISIBLE_STATES.has(a.state));
  const pending = visible.filter((a) => a.state === 'pending');
  const aboveThreshold = pending.filter((a) => (a.score ?? 0) >= s.acceptThreshold).length;
  const nextKey = scheme === 'cvat' ? 'F' : 'D';
  const prevKey = scheme === 'cvat' ? 'D' : 'A';

  return (
    <div className="editor">
      <div className="toolbar editor-toolbar">
        <div className="seg" role="group" aria-label="Tools">
          {TOOLS.map((t) => (
            <button
              key={t.id}
              className={s.tool === t.id ? 'on' : ''}
              onClick={() => run(`tool.${t.id}`)}
              data-testid={`tool-${t.id}`}
              title={`${t.label} (${t.key})`}
            >
              {t.label} <kbd>{t.key}</kbd>
            </button>
          ))}
        </div>
        <label className="inline" title="Category for new boxes (1–9)">
          <select
            value={s.drawCategoryId ?? ''}
            onChange={(e) => store.set({ drawCategoryId: Number(e.target.value) })}
            data-testid="draw-category"
          >
            {store.categories.map((c, i) => (
              <option key={c.id} value={c.id}>
                {c.hotkey ?? (i < 9 ? i + 1 : '')} {c.name}
              </option>
            ))}
          </select>
        </label>
        {(s.tool === 'brush' || s.tool === 'eraser') && (
          <label className="inline" title="Brush size ([ and ])">
            <input
              type="range"
              min={1}
              max={200}
              value={s.brushSize}
              onChange={(e) => store.set({ brushSize: Number(e.target.value) })}
            />{' '}
            <span className="mono">{s.brushSize}px</span>
          </label>
        )}
        <label className="inline" title="Masks (M)">
          <input
            type="checkbox"
            checked={s.showMasks}
            onChange={(e) => store.set({ showMasks: e.target.checked })}
            data-testid="show-masks"
          />{' '}
          Masks
        </label>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={s.maskOpacity}
          onChange={(e) => store.set({ maskOpacity: Number(e.target.value) })}
          aria-label="Mask opacity"
          title="Mask opacity"
        />
        <div className="sep" />
        <label className="inline" title="Accept-all threshold">
          ≥{' '}
          <input
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={s.acceptThreshold}
            onChange={(e) => store.set({ acceptThreshold: Number(e.target.value) })}
            data-testid="accept-threshold"
          />
          <span className="mono">{s.acceptThreshold.toFixed(2)}</span>
        </label>
        <button
          onClick={() => run('pred.acceptAbove')}
          disabled={!aboveThreshold}
          data-testid="accept-above"
          title="Shift+Enter"
        >
          Accept {aboveThreshold}
        </button>
        <button
          onClick={() => run('pred.rejectRest')}
          disabled={!pending.length}
          data-testid="reject-rest"
          title="Shift+Backspace"
        >
          Reject rest ({pending.length})
        </button>
        <div className="spacer" />
        <button
          onClick={() => run('history.undo')}
          disabled={!s.historyDepth.undo}
          title="Undo (Ctrl+Z)"
          data-testid="undo"
        >
          ↶
        </button>
        <button
          onClick={() => run('history.redo')}
          disabled={!s.historyDepth.redo}
          title="Redo (Ctrl+Shift+Z / Ctrl+Y)"
          data-testid="redo"
        >
          ↷
        </button>
        <button onClick={() => run('nav.prev')} disabled={s.prevId == null} title={`Previous (${prevKey})`}>
          ‹ <kbd>{prevKey}</kbd>
        </button>
        <button onClick={() => run('nav.next')} disabled={s.nextId == null} title={`Next (${nextKey})`}>
          <kbd>{nextKey}</kbd> ›
        </button>
        <button
          className="primary"
          onClick={() => run('nav.reviewed')}
          data-testid="mark-reviewed"
          title="Mark reviewed and go to the next unreviewed image (Space)"
        >
          Reviewed <kbd>Space</kbd>
        </button>
        <button onClick={() => run('view.help')} title="Keyboard help (?)">
          ?
        </button>
      </div>
      <div className="editor-body">
        <EditorCanvas store={store} imageUrl={imageUrl(session, s.imageId)} />
        <AnnotationPanel />
      </div>
      <div className="statusbar" data-testid="editor-status">
        <span className="mono" data-testid="image-name">
          {s.image?.name}
        </span>
        <span>
          {s.image?.width}×{s.image?.height}
        </span>
        {s.status && (
          <span className={`badge status-${s.status}`} data-testid="image-status">
            {STATUS_LABEL[s.status]}
          </span>
        )}
        <span>
          {visible.length - pending.length} accepted · {pending.length} pending
        </span>
        <span className="mono">{Math.round(s.view.zoom * 100)}%</span>
        <div className="spacer" />
        <span className={s.savingCount ? 'saving' : 'saved'} data-testid="save-state">
          {s.savingCount ? 'Saving…' : 'All changes saved'}
        </span>
        <span className="muted">
          R box · Enter accept · ⌫ reject · 1–9 label · Ctrl+Z undo · Space reviewed · ? help
        </span>
      </div>
      {s.labelPopup && <LabelPopup />}
      {s.help && <HelpOverlay onClose={() => store.set({ help: false })} />}
    </div>
  );
}

function AnnotationPanel() {
  const { store } = useApp();
  const s = useEditor(store);
  const list = useMemo(() => s.annotations.filter((a) => VISIBLE_STATES.has(a.state)), [s.annotations]);
  const ref = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({
    count: list.length,
    getScrollElement: () => ref.current,
    estimateSize: () => 30,
    overscan: 8,
  });
  const cats = new Map(store.categories.map((c) => [c.id, c]));
  const selIndex = list.findIndex((a) => a.id === s.selectedId);
  useEffect(() => {
    if (selIndex >= 0) virt.scrollToIndex(selIndex, { align: 'auto' });
  }, [selIndex, virt]);
  return (
    <aside className="side">
      <h3>
        Annotations <span className="muted">{list.length}</span>
      </h3>
      <div className="ann-list" ref={ref} data-testid="annotation-list">
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {virt.getVirtualItems().map((v) => {
            const a = list[v.index];
            const c = cats.get(a.categoryId);
            return (
              <div
                key={a.id}
                className={`ann-row ${a.id === s.selectedId ? 'selected' : ''} ${a.state}`}
                style={{ transform: `translateY(${v.start}px)`, height: 30 }}
                onClick={() => store.set({ selectedId: a.id })}
                onDoubleClick={() => store.set({ selectedId: a.id, labelPopup: true })}
                data-testid="annotation-row"
                data-state={a.state}
              >
                <span className="swatch" style={{ background: c?.color }} />
                <span className="name">{c?.name ?? a.categoryId}</span>
                <span className={`src src-${a.source}`}>{a.state === 'pending' ? 'pending' : a.source}</span>
                <span className="mono score">{a.score != null ? a.score.toFixed(2) : ''}</span>
              </div>
            );
          })}
        </div>
      </div>
      <h3>Categories</h3>
      <div className="cat-keys">
        {store.categories.map((c, i) => (
          <button
            key={c.id}
            className={s.drawCategoryId === c.id ? 'on' : ''}
            onClick={() => store.relabel(c.id)}
            title="Relabel selection / category for new boxes"
          >
            <kbd>{c.hotkey ?? (i < 9 ? i + 1 : '·')}</kbd>
            <span className="swatch" style={{ background: c.color }} /> {c.name}
          </button>
        ))}
      </div>
    </aside>
  );
}

/** Searchable label chooser (L or double-click). */
function LabelPopup() {
  const { store } = useApp();
  const [q, setQ] = useState('');
  const [i, setI] = useState(0);
  const list = store.categories.filter((c) => c.name.toLowerCase().includes(q.toLowerCase()));
  const pick = (id: number | undefined) => {
    if (id != null) store.relabel(id);
    store.set({ labelPopup: false });
  };
  return (
    <div className="overlay" onMouseDown={() => store.set({ labelPopup: false })}>
      <div className="popup" onMouseDown={(e) => e.stopPropagation()} data-testid="label-popup">
        <input
          autoFocus
          placeholder="Label…"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setI(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') store.set({ labelPopup: false });
            else if (e.key === 'Enter') pick(list[i]?.id);
            else if (e.key === 'ArrowDown') setI((x) => Math.min(list.length - 1, x + 1));
            else if (e.key === 'ArrowUp') setI((x) => Math.max(0, x - 1));
            else return;
            e.preventDefault();
          }}
        />
        <ul>
          {list.map((c, k) => (
            <li key={c.id} className={k === i ? 'active' : ''} onMouseDown={() => pick(c.id)}>
              <span className="swatch" style={{ background: c.color }} /> {c.name}
            </li>
          ))}
          {!list.length && <li className="muted">No match</li>}
        </ul>
      </div>
    </div>
  );
}

function HelpOverlay({ onClose }: { onClose: () => void }) {
  const { scheme } = useApp();
  const groups = [...new Set(actions.map((a) => a.group))];
  return (
    <div className="overlay" onMouseDown={onClose}>
      <div className="help" onMouseDown={(e) => e.stopPropagation()} data-testid="help-overlay">
        <h2>Keyboard {scheme === 'cvat' && <span className="muted">(CVAT keys)</span>}</h2>
        <div className="help-cols">
          {groups.map((g) => (
            <section key={g}>
              <h3>{g}</h3>
              <table>
                <tbody>
                  {actions
                    .filter((a) => a.group === g && !/^label\.[2-9]$|^nudge\.(up|down|right)/.test(a.id))
                    .map((a) => (
                      <tr key={a.id}>
                        <td>
                          {a.id === 'label.1' ? (
                            <kbd>1–9</kbd>
                          ) : (
                            keysOf(a, scheme)
                              .filter((k) => k !== 'shift+/')
                              .map((k) => <kbd key={k}>{prettyChord(k)}</kbd>)
                          )}
                        </td>
                        <td>
                          {a.id === 'label.1'
                            ? 'Label as category (hotkey, else nth)'
                            : a.id.startsWith('nudge.left')
                              ? a.label.replace('left', '(arrows)')
                              : a.label}
                        </td>
                        <td className="muted">{a.capture === 'record' ? 'undoable' : ''}</td>
                      </tr>
                    ))}
                  {g === 'View' && (
                    <>
                      <tr>
                        <td>
                          <kbd>Ctrl+wheel</kbd>
                        </td>
                        <td>Zoom around the cursor</td>
                        <td />
                      </tr>
                      <tr>
                        <td>
                          <kbd>Space+drag</kbd> <kbd>Middle drag</kbd>
                        </td>
                        <td>Pan</td>
                        <td />
                      </tr>
                    </>
                  )}
                </tbody>
              </table>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
