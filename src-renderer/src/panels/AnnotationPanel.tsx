/**
 * The editor's side panel: the image's annotations (virtualised) with their hide, lock and
 * iscrowd controls, and the categories with theirs. Shift+click in the list adds to the
 * selection; a right-click opens the same menu as on the canvas. Hidden and locked are view
 * state (view-state.ts); iscrowd is data, one undoable step.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Annotation } from '../../../src-main/shared/contract';
import { useApp } from '../app-context';
import { useEditor } from '../editor/useEditor';
import { annotationLook } from '../editor/annotation-look';
import { patchChanges } from '../editor/group-changes';
import { isHidden, isLocked, selectable, shownAnnotations } from '../editor/view-state';
import { toggleCategoryFlag, toggleFlag } from '../editor/actions/view-actions';
import { focusCanvas } from './focus-canvas';
import { Padlock } from './Padlock';
import { AuditFlags } from './AuditFlags';

const ELLIPSIS = { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0 } as const;

export function AnnotationPanel() {
  const { store } = useApp();
  const s = useEditor(store);
  const list = useMemo(
    () => shownAnnotations({ annotations: s.annotations, showRejected: s.showRejected }),
    [s.annotations, s.showRejected],
  );
  const rejectedCount = s.annotations.filter((a) => a.state === 'rejected').length;
  const ref = useRef<HTMLDivElement>(null);
  const virt = useVirtualizer({
    count: list.length,
    getScrollElement: () => ref.current,
    estimateSize: () => 30,
    overscan: 8,
  });
  const cats = new Map(store.categories.map((c) => [c.id, c]));
  const selected = new Set(s.selectedIds);
  const selIndex = list.findIndex((a) => a.id === s.selectedId);
  useEffect(() => {
    if (selIndex >= 0) virt.scrollToIndex(selIndex, { align: 'auto' });
  }, [selIndex, virt]);

  const pick = (a: Annotation, shift: boolean) => {
    if (!selectable(s, a)) {
      if (a.state !== 'rejected') store.info('Hidden or locked: show or unlock it first');
      return;
    }
    if (shift)
      store.set({
        selectedIds: selected.has(a.id) ? s.selectedIds.filter((x) => x !== a.id) : [...s.selectedIds, a.id],
      });
    else store.set({ selectedId: a.id });
  };
  const crowd = (a: Annotation) => {
    store.commit(a.iscrowd ? 'Unmark crowd' : 'Mark crowd', patchChanges([a], 'iscrowd', !a.iscrowd));
    focusCanvas();
  };

  return (
    <aside className="side">
      <h3>
        Annotations <span className="muted">{list.length}</span>
        {s.selectedIds.length > 1 && (
          <span className="muted" data-testid="selection-count">
            {' '}
            · {s.selectedIds.length} selected
          </span>
        )}
      </h3>
      <label className="inline show-rejected" title="Show rejected annotations, to restore them (Shift+H)">
        <input
          type="checkbox"
          checked={s.showRejected}
          onChange={(e) => {
            store.set({ showRejected: e.target.checked });
            focusCanvas();
          }}
          data-testid="show-rejected"
        />{' '}
        Show rejected <span className="muted">({rejectedCount})</span> <kbd>Shift+H</kbd>
      </label>
      <div className="ann-list" ref={ref} data-testid="annotation-list">
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {virt.getVirtualItems().map((v) => {
            const a = list[v.index];
            const c = cats.get(a.categoryId);
            const look = annotationLook(a);
            const rejected = a.state === 'rejected';
            const hidden = isHidden(s, a);
            const locked = isLocked(s, a);
            return (
              <div
                key={a.id}
                className={`ann-row ${selected.has(a.id) ? 'selected' : ''} ${a.state} look-${look.kind} ${hidden ? 'is-hidden' : ''}`}
                style={{ transform: `translateY(${v.start}px)`, height: 30 }}
                onClick={(e) => !rejected && pick(a, e.shiftKey)}
                onDoubleClick={() => !rejected && selectable(s, a) && store.set({ selectedId: a.id, labelPopup: true })}
                onContextMenu={(e) => {
                  e.preventDefault();
                  if (rejected || !selectable(s, a)) return;
                  if (!selected.has(a.id)) store.set({ selectedId: a.id });
                  store.set({ contextMenu: { x: e.clientX, y: e.clientY } });
                }}
                data-testid="annotation-row"
                data-state={a.state}
                data-look={look.kind}
                data-id={a.id}
                data-hidden={hidden || undefined}
                data-locked={locked || undefined}
              >
                <span className="swatch" style={{ background: c?.color }} />
                <span className="name" title={c?.name}>
                  {c?.name ?? a.categoryId}
                </span>
                <span className={`src look-badge look-badge-${look.kind}`} title={`${a.state}, ${a.source}`}>
                  {look.badge}
                </span>
                {/* Only predictions have a score: a person's row gives the name that room. */}
                {a.score != null && <span className="mono score">{a.score.toFixed(2)}</span>}
                {!rejected && (
                  <span className="row-flags">
                    <button
                      className={`flag ${a.iscrowd ? 'on' : ''}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        crowd(a);
                      }}
                      title="iscrowd: a crowd region, exported as RLE (I)"
                      aria-label="iscrowd"
                      aria-pressed={!!a.iscrowd}
                      data-testid="ann-crowd"
                    >
                      {/* One letter, as narrow as the eye and the padlock: the name keeps the room. */}C
                    </button>
                    <button
                      className={`flag ${hidden ? 'on' : ''}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        toggleFlag(store, 'hidden', [a.id]);
                        focusCanvas();
                      }}
                      title={hidden ? 'Show (H)' : 'Hide (H)'}
                      aria-pressed={hidden}
                      data-testid="ann-hide"
                    >
                      {hidden ? '◌' : '◉'}
                    </button>
                    <button
                      className={`flag ${locked ? 'on' : ''}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        toggleFlag(store, 'locked', [a.id]);
                        focusCanvas();
                      }}
                      title={locked ? 'Unlock (L)' : 'Lock: no selecting or moving on the canvas (L)'}
                      aria-pressed={locked}
                      data-testid="ann-lock"
                    >
                      <Padlock closed={locked} />
                    </button>
                  </span>
                )}
                {rejected && (
                  <button
                    className="restore"
                    onClick={(e) => {
                      e.stopPropagation();
                      store.restore(a.id);
                      focusCanvas();
                    }}
                    title={a.source === 'model' ? 'Restore as pending' : 'Restore as accepted'}
                    data-testid="restore"
                  >
                    Restore
                  </button>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <AuditFlags />
      <h3>Categories</h3>
      <div className="cat-keys">
        {store.categories.map((c, i) => {
          const hidden = s.hiddenCategories.has(c.id);
          const locked = s.lockedCategories.has(c.id);
          return (
            <div key={c.id} className="cat-row">
              <button
                className={s.drawCategoryId === c.id ? 'on' : ''}
                onClick={() => {
                  store.relabel(c.id);
                  focusCanvas();
                }}
                title={`${c.name}: relabel the selection / category for new boxes`}
                style={{ overflow: 'hidden' }}
              >
                <kbd>{c.hotkey ?? (i < 9 ? i + 1 : '·')}</kbd>
                <span className="swatch" style={{ background: c.color }} />
                {/* A long name ends in an ellipsis instead of running under the hide and lock buttons. */}
                <span style={ELLIPSIS}>{c.name}</span>
              </button>
              <button
                className={`flag ${hidden ? 'on' : ''}`}
                onClick={() => {
                  toggleCategoryFlag(store, 'hidden', c.id);
                  focusCanvas();
                }}
                title={hidden ? `Show every ${c.name}` : `Hide every ${c.name}`}
                aria-pressed={hidden}
                data-testid={`cat-hide-${c.id}`}
              >
                {hidden ? '◌' : '◉'}
              </button>
              <button
                className={`flag ${locked ? 'on' : ''}`}
                onClick={() => {
                  toggleCategoryFlag(store, 'locked', c.id);
                  focusCanvas();
                }}
                title={locked ? `Unlock every ${c.name}` : `Lock every ${c.name}`}
                aria-pressed={locked}
                data-testid={`cat-lock-${c.id}`}
              >
                <Padlock closed={locked} />
              </button>
            </div>
          );
        })}
      </div>
    </aside>
  );
}
