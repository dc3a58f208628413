import { useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { FileState, ImageQuery, ImageSummary } from '../../../src-main/shared/api';
import type { ProjectStats, ReviewStatus } from '../../../src-main/shared/contract';
import { imageUrl, useApp } from '../app-context';
import { AddFolderCard } from './StartScreen';
import { SearchBox } from '../panels/SearchBox';
import { AuditFilter } from './AuditFilter';
import { auditMark } from '../panels/audit-format';

const PAGE = 200;
const CELL_W = 168;
const CELL_H = 184;
const STATUSES: ReviewStatus[] = ['unlabeled', 'prelabeled', 'in_progress', 'reviewed'];
export const STATUS_LABEL: Record<ReviewStatus, string> = {
  unlabeled: 'Unlabeled',
  prelabeled: 'Pre-labeled',
  in_progress: 'In progress',
  reviewed: 'Reviewed',
};

type Filters = Pick<ImageQuery, 'status' | 'categoryId' | 'hasPending' | 'minScore' | 'audit' | 'sort'>;

/** The grid's mark for an image whose file is not fine, and the tooltip that says why. */
const FILE_MARK: Record<Exclude<FileState, 'ok'>, { label: string; why: string }> = {
  missing: { label: 'File missing', why: 'The image file is not at its path any more.' },
  unreadable: { label: 'Unreadable', why: 'The image file cannot be read as an image.' },
  changed: { label: 'File changed', why: 'The image file changed on disk since it was added.' },
};

/** Virtualised grid over `images.query`: pages of 200 are fetched as rows come into view. */
export function BrowserScreen() {
  const { client, categories, openImage, dataVersion, session, selection, setSelection, toastError, navQuery, setNavQuery } =
    useApp();
  // The filters outlive the screen (App holds them as the navigation query): back from the
  // editor, the grid shows what it showed.
  const [filters, setFilters] = useState<Filters>(() => ({ ...navQuery }));
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<Map<number, ImageSummary[]>>(new Map());
  const [stats, setStats] = useState<ProjectStats | null>(null);
  const [showAdd, setShowAdd] = useState(false);
  // A text search's hits take the grid's place until it is cleared (panels/SearchBox.tsx).
  const [showingHits, setShowingHits] = useState(false);
  const loading = useRef(new Set<number>());
  const gen = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(1000);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, []);

  // Filters or data changed: start over from the first page.
  useEffect(() => {
    const g = ++gen.current;
    loading.current.clear();
    client
      .call('images.query', { ...filters, offset: 0, limit: PAGE })
      .then((r) => {
        if (g !== gen.current) return;
        setTotal(r.total);
        setPages(new Map([[0, r.items]]));
      })
      .catch(toastError);
    client.call('project.stats', {}).then(setStats, toastError);
  }, [client, filters, dataVersion, toastError]);

  // The editor's D/A and "next unreviewed" walk what the grid shows.
  useEffect(() => {
    const { status, categoryId, hasPending, minScore, audit, sort } = filters;
    setNavQuery({ status, categoryId, hasPending, minScore, audit, sort });
  }, [filters, setNavQuery]);

  const cols = Math.max(1, Math.floor((width - 8) / CELL_W));
  const rows = total == null ? 0 : Math.ceil(total / cols);
  const virt = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => CELL_H,
    overscan: 4,
  });
  const items = virt.getVirtualItems();

  // Fetch the pages the visible rows need.
  const first = items.length ? items[0].index * cols : 0;
  const last = items.length ? (items[items.length - 1].index + 1) * cols - 1 : 0;
  useEffect(() => {
    if (total == null) return;
    const g = gen.current;
    for (let p = Math.floor(first / PAGE); p <= Math.floor(Math.min(last, total - 1) / PAGE); p++) {
      if (pages.has(p) || loading.current.has(p)) continue;
      loading.current.add(p);
      client
        .call('images.query', { ...filters, offset: p * PAGE, limit: PAGE })
        .then((r) => {
          if (g !== gen.current) return;
          setPages((m) => new Map(m).set(p, r.items));
        })
        .catch((e) => {
          loading.current.delete(p);
          toastError(e);
        });
    }
  }, [first, last, total, pages, client, filters, toastError]);

  // Keyboard: arrows move the focus ring, Enter opens, Space adds to the selection.
  const [focus, setFocus] = useState(0);
  const onGridKey = (e: React.KeyboardEvent) => {
    if (total == null || total === 0) return;
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: cols,
      ArrowUp: -cols,
      PageDown: cols * 4,
      PageUp: -cols * 4,
    };
    let next: number;
    if (e.key in step) next = focus + step[e.key];
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = total - 1;
    else if (e.key === 'Enter') {
      const im = at(focus);
      if (im) openImage(im.id);
      return e.preventDefault();
    } else if (e.key === ' ') {
      const im = at(focus);
      if (im)
        setSelection(selected.has(im.id) ? selection.filter((x) => x !== im.id) : [...selection, im.id]);
      return e.preventDefault();
    } else return;
    e.preventDefault();
    next = Math.max(0, Math.min(total - 1, next));
    setFocus(next);
    virt.scrollToIndex(Math.floor(next / cols), { align: 'auto' });
  };

  const at = (i: number): ImageSummary | undefined => pages.get(Math.floor(i / PAGE))?.[i % PAGE];
  const selected = useMemo(() => new Set(selection), [selection]);

  const onCellClick = (e: React.MouseEvent, im: ImageSummary) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey) {
      const next = new Set(selected);
      if (next.has(im.id)) next.delete(im.id);
      else next.add(im.id);
      setSelection([...next]);
    } else openImage(im.id);
  };

  const set = (p: Partial<Filters>) => setFilters((f) => ({ ...f, ...p }));
  const toggleStatus = (s: ReviewStatus) => {
    const cur = new Set(filters.status ?? []);
    if (cur.has(s)) cur.delete(s);
    else cur.add(s);
    set({ status: cur.size ? [...cur] : undefined });
  };

  return (
    <div className="browser">
      <div className="toolbar">
        <div className="chips" role="group" aria-label="Review status">
          {STATUSES.map((s) => (
            <button
              key={s}
              data-testid={`filter-${s}`}
              className={`chip status-${s} ${filters.status?.includes(s) ? 'on' : ''}`}
              onClick={() => toggleStatus(s)}
            >
              {STATUS_LABEL[s]} <span className="count">{stats?.byStatus[s] ?? 0}</span>
            </button>
          ))}
        </div>
        <select
          value={filters.categoryId ?? ''}
          onChange={(e) => set({ categoryId: e.target.value ? Number(e.target.value) : undefined })}
          data-testid="filter-category"
          aria-label="Category"
        >
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.images})
            </option>
          ))}
        </select>
        <label className="inline">
          <input
            type="checkbox"
            checked={!!filters.hasPending}
            onChange={(e) => set({ hasPending: e.target.checked || undefined })}
            data-testid="filter-pending"
          />{' '}
          Has pending
        </label>
        <label className="inline" title="Only images whose top model score is at least this">
          Min score
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={filters.minScore ?? 0}
            onChange={(e) => set({ minScore: Number(e.target.value) || undefined })}
            data-testid="filter-minscore"
          />
          <span className="mono">{(filters.minScore ?? 0).toFixed(2)}</span>
        </label>
        <select
          value={filters.sort}
          onChange={(e) => set({ sort: e.target.value as Filters['sort'] })}
          data-testid="sort"
          aria-label="Sort"
          className="sort-select"
        >
          <option value="name">Sort: name</option>
          <option value="uncertainty">Sort: most uncertain first (score nearest its threshold)</option>
          <option value="audit">Sort: audit, most suspicious first</option>
        </select>
        <AuditFilter audit={filters.audit} sort={filters.sort} onChange={set} />
        <div className="spacer" />
        {selection.length > 0 && (
          <span className="muted">
            {selection.length} selected{' '}
            <button className="link" onClick={() => setSelection([])}>
              clear
            </button>
          </span>
        )}
        <span className="muted" data-testid="image-total">
          {total ?? '…'} images
        </span>
        <button onClick={() => setShowAdd((v) => !v)} data-testid="show-add-folder">
          + Add folder
        </button>
      </div>
      {showAdd && (
        <div className="add-inline">
          <AddFolderCard />
        </div>
      )}
      <SearchBox nav={navQuery} filterTotal={total} onShowingHits={setShowingHits} />
      <div
        className="grid-scroller"
        hidden={showingHits}
        ref={scroller}
        data-testid="image-grid"
        tabIndex={0}
        onKeyDown={onGridKey}
        aria-label="Images (arrows, Enter to open, Space to select)"
      >
        {total === 0 && (
          <div className="empty">
            No images{' '}
            {filters.status || filters.categoryId || filters.hasPending || filters.minScore || filters.audit
              ? 'match these filters'
              : 'yet: add a folder'}
            .
          </div>
        )}
        <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
          {items.map((row) => (
            <div
              key={row.key}
              className="grid-row"
              style={{ transform: `translateY(${row.start}px)`, height: CELL_H }}
            >
              {Array.from({ length: cols }, (_, c) => {
                const i = row.index * cols + c;
                if (total == null || i >= total) return null;
                const im = at(i);
                if (!im) return <div key={c} className="cell placeholder" style={{ width: CELL_W - 8 }} />;
                const mark = im.fileState !== 'ok' ? FILE_MARK[im.fileState] : null;
                const audit = auditMark(im.auditMissing, im.auditDoubtful);
                return (
                  <button
                    key={im.id}
                    className={`cell ${selected.has(im.id) ? 'selected' : ''} ${i === focus ? 'focused' : ''} ${mark ? 'file-bad' : ''}`}
                    tabIndex={-1}
                    style={{ width: CELL_W - 8 }}
                    onClick={(e) => {
                      setFocus(i);
                      onCellClick(e, im);
                    }}
                    data-testid="grid-cell"
                    data-image-id={im.id}
                    data-name={im.name}
                    data-file-state={im.fileState}
                    title={`${im.name}\n${im.width}×${im.height}${im.topScore != null ? `\ntop score ${im.topScore.toFixed(2)}` : ''}${mark ? `\n⚠ ${mark.why}` : ''}`}
                  >
                    <div className="thumb">
                      {im.fileState === 'missing' || im.fileState === 'unreadable' ? (
                        <span className="thumb-none" aria-hidden>
                          ⚠
                        </span>
                      ) : (
                        <img
                          src={imageUrl(session, im.id, 'thumbnail') ?? ''}
                          alt=""
                          loading="lazy"
                          decoding="async"
                          draggable={false}
                        />
                      )}
                      <span className={`badge status-${im.status}`}>{STATUS_LABEL[im.status]}</span>
                      {im.pending > 0 && <span className="badge pending">{im.pending} pending</span>}
                      {mark && (
                        <span className={`badge file-state file-${im.fileState}`} title={mark.why} data-testid="file-mark">
                          ⚠ {mark.label}
                        </span>
                      )}
                      {audit && (
                        <span
                          className="badge audit-mark"
                          title={`UNITER audit: ${audit}`}
                          data-testid="audit-mark"
                        >
                          {audit}
                        </span>
                      )}
                    </div>
                    <div className="cell-meta">
                      <span className="name">{im.name}</span>
                      <span className="counts">
                        {im.annotations}
                        {im.topScore != null && <span className="muted"> · {im.topScore.toFixed(2)}</span>}
                      </span>
                    </div>
                  </button>
                );
              })}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
