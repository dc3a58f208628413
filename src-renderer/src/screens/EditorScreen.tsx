import { useEffect, useMemo, useState } from 'react';
import { imageUrl, useApp } from '../app-context';
import { EditorCanvas } from '../editor/Canvas';
import { useEditor } from '../editor/useEditor';
import { useEditorKeys } from '../editor/useEditorKeys';
import { actionById, actions, keysOf, performAction, type ActionContext } from '../editor/actions';
import { prettyChord } from '../editor/actions/keys';
import { overlayRows } from '../editor/actions/key-table';
import { VISIBLE_STATES, notEditableReason, type Tool } from '../editor/view-state';
import type { ReviewDefault } from '../editor/review-settings';
import { STATUS_LABEL } from './BrowserScreen';
import { AnnotationPanel } from '../panels/AnnotationPanel';
import { ContextMenu } from '../panels/ContextMenu';
import { focusCanvas } from '../panels/focus-canvas';
import { SuggestionBar } from '../editor/SuggestionBar';

const TOOLS: { id: Tool; label: string; key: string }[] = [
  { id: 'select', label: 'Select', key: 'V' },
  { id: 'box', label: 'Box', key: 'R' },
  { id: 'polygon', label: 'Polygon', key: 'P' },
  { id: 'smart', label: 'Smart', key: 'S' },
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
  // A/D and "next unreviewed" walk through what the grid shows (its filter and sort).
  useEffect(() => {
    store.nav = app.navQuery;
  }, [store, app.navQuery]);
  /** Toolbar buttons run the same actions as their keys. */
  const run = (id: string) => performAction(actionById(id), ctx);

  if (s.imageId == null) {
    return <div className="empty">{s.loading ? 'Loading…' : 'Open an image from the Images tab.'}</div>;
  }
  const visible = s.annotations.filter((a) => VISIBLE_STATES.has(a.state));
  const pending = visible.filter((a) => a.state === 'pending');
  const aboveThreshold = pending.filter((a) => (a.score ?? 0) >= s.acceptThreshold).length;
  const blocked = notEditableReason(s);
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
              disabled={!!blocked && t.id !== 'select'}
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
            onChange={(e) => {
              store.set({ drawCategoryId: Number(e.target.value) });
              focusCanvas(); // so D, R and the digits work at once, without a click
            }}
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
        {/* Controls that belong together wrap together on a narrow window. */}
        <div className="toolbar-group" role="group" aria-label="Masks">
          <label className="inline" title="Masks (M)">
            <input
              type="checkbox"
              checked={s.showMasks}
              onChange={(e) => {
                store.set({ showMasks: e.target.checked });
                focusCanvas();
              }}
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
        </div>
        <div className="toolbar-group" role="group" aria-label="Predictions">
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
            disabled={!aboveThreshold || !!blocked}
            data-testid="accept-above"
            title="Shift+Enter"
          >
            Accept {aboveThreshold}
          </button>
          <button
            onClick={() => run('pred.rejectRest')}
            disabled={!pending.length || !!blocked}
            data-testid="reject-rest"
            title="Shift+Backspace"
          >
            Reject rest ({pending.length})
          </button>
        </div>
        {/* Kept together at the right end; on a narrow window the group wraps as one. */}
        <div className="toolbar-end" role="group" aria-label="History and navigation">
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
            disabled={!!blocked}
            data-testid="mark-reviewed"
            title="Mark reviewed and go to the next unreviewed image (Space)"
          >
            Reviewed <kbd>Space</kbd>
          </button>
          <button onClick={() => run('view.help')} title="Keyboard help (?)">
            ?
          </button>
        </div>
      </div>
      <div className="editor-body">
        <EditorCanvas store={store} imageUrl={imageUrl(session, s.imageId)} />
        <AnnotationPanel />
      </div>
      <SuggestionBar client={app.client} store={store} scheme={scheme} />
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
          R box · Enter accept · ⌫ reject · Shift+click / drag select · H hide · L lock · 1–9 label · Ctrl+Z undo · Space reviewed · ? help
        </span>
      </div>
      {s.labelPopup && <LabelPopup />}
      {s.contextMenu && <ContextMenu ctx={ctx} at={s.contextMenu} />}
      {s.reviewPrompt != null && <ReviewPrompt pending={s.reviewPrompt} />}
      {s.help && <HelpOverlay onClose={() => store.set({ help: false })} />}
    </div>
  );
}

/** Space on an image with pending predictions: one keystroke decides them (keys in useEditorKeys). */
function ReviewPrompt({ pending }: { pending: number }) {
  const { store } = useApp();
  const decide = (p: 'accept' | 'reject') => void store.markReviewedAndNext(p);
  return (
    <div className="overlay" onMouseDown={() => store.set({ reviewPrompt: null })}>
      <div
        className="popup review-prompt"
        role="dialog"
        aria-label="Pending predictions"
        onMouseDown={(e) => e.stopPropagation()}
        data-testid="review-prompt"
      >
        <h3>
          {pending} pending prediction{pending === 1 ? '' : 's'} left
        </h3>
        <p>A reviewed image has no undecided predictions. What should happen to them?</p>
        <div className="review-choices">
          <button className="primary" onClick={() => decide('accept')} data-testid="review-accept">
            Accept all <kbd>Enter</kbd>
          </button>
          <button className="danger" onClick={() => decide('reject')} data-testid="review-reject">
            Reject all <kbd>Backspace</kbd>
          </button>
          <button onClick={() => store.set({ reviewPrompt: null })} data-testid="review-cancel">
            Cancel <kbd>Esc</kbd>
          </button>
        </div>
        <p className="muted small">Set a default without this question under ? (keyboard help).</p>
      </div>
    </div>
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
    close();
  };
  const close = () => {
    store.set({ labelPopup: false });
    focusCanvas();
  };
  return (
    <div className="overlay" onMouseDown={close}>
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
            if (e.key === 'Escape') close();
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
  const { scheme, store } = useApp();
  const s = useEditor(store);
  const groups = [...new Set(actions.map((a) => a.group))];
  return (
    <div className="overlay" onMouseDown={onClose}>
      <div className="help" onMouseDown={(e) => e.stopPropagation()} data-testid="help-overlay">
        <h2>Keyboard {scheme === 'cvat' && <span className="muted">(CVAT keys)</span>}</h2>
        <label className="inline review-default">
          When <kbd>Space</kbd> finds pending predictions:{' '}
          <select
            value={s.reviewDefault}
            onChange={(e) => {
              store.setReviewDefault(e.target.value as ReviewDefault);
              e.target.blur(); // Esc and ? close the help at once
            }}
            data-testid="review-default"
          >
            <option value="ask">ask (Enter accept · Backspace reject · Esc cancel)</option>
            <option value="accept">accept them all, without asking</option>
            <option value="reject">reject them all, without asking</option>
          </select>
        </label>
        <label className="inline review-default">
          <input
            type="checkbox"
            checked={store.stickyTools}
            onChange={(e) => store.setStickyTools(e.target.checked)}
            data-testid="sticky-tools"
          />{' '}
          Drawing tools stay active after each shape (off: back to Select; <kbd>Ctrl</kbd> held in the
          box tool selects)
        </label>
        <div className="help-cols">
          {groups.map((g) => (
            <section key={g}>
              <h3>{g}</h3>
              <table>
                <tbody>
                  {overlayRows()
                    .filter((a) => a.group === g)
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
