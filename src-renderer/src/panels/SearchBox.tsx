/**
 * Text search over the grid (UNITER): a box above the grid; Enter ranks the images of the
 * grid's current filter by how well they match the text, with a progress bar and Cancel
 * while it runs. The hits replace the grid (best first, with a match badge) until Esc or ×.
 * The last result is kept per project while the app runs, so it is still there back from
 * the editor.
 */
import { useEffect, useRef, useState } from 'react';
import type { NavQuery, PackInfo, SearchResult } from '../../../src-main/shared/api';
import { useApp } from '../app-context';
import { SearchHits } from './SearchHits';

type Phase =
  | { kind: 'idle' }
  /** Enter before the list of installed packs came back: the search starts as soon as it does. */
  | { kind: 'queued'; text: string; scope: string }
  | { kind: 'running'; searchId: string; text: string; scope: string; done: number; total: number | null }
  | { kind: 'result'; text: string; scope: string; result: SearchResult };

/** The last search of each project (module state: the browser screen unmounts while the editor is open). */
const remembered = new Map<string, { text: string; pack: string; phase: Phase }>();
let nextSearch = 1;

function isFiltered(nav: NavQuery): boolean {
  return !!(nav.status?.length || nav.categoryId != null || nav.hasPending || nav.minScore || nav.audit);
}

function scopeOf(nav: NavQuery, total: number | null): string {
  const n = total == null ? '…' : String(total);
  return isFiltered(nav) ? `in ${n} image${total === 1 ? '' : 's'} matching the filter` : `in all ${n} image${total === 1 ? '' : 's'}`;
}

function summary(p: Extract<Phase, { kind: 'result' }>): string {
  const r = p.result;
  if (r.cancelled) return `Cancelled: partial ranking for “${p.text}” ${p.scope}`;
  const cut = r.hits.length < r.searched - r.failed.length ? ` (the best ${r.hits.length} shown)` : '';
  return `Best matches for “${p.text}” ${p.scope}${cut}`;
}

export function SearchBox({ nav, filterTotal, onShowingHits }: { nav: NavQuery; filterTotal: number | null; onShowingHits(showing: boolean): void }) {
  const { client, session, go, toastError } = useApp();
  const projectPath = session?.project?.path ?? '';
  const saved = remembered.get(projectPath);
  const [packs, setPacks] = useState<PackInfo[] | null>(null);
  const [pack, setPack] = useState(saved?.pack ?? '');
  const [text, setText] = useState(saved?.text ?? '');
  const [phase, setPhase] = useState<Phase>(saved?.phase ?? { kind: 'idle' });
  const running = useRef<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    client.call('models.list', {}).then((r) => {
      const uniter = r.packs.filter((p) => p.kind === 'uniter' && p.installed);
      setPacks(uniter);
      setPack((cur) => (uniter.some((p) => p.id === cur) ? cur : (uniter[0]?.id ?? '')));
    }, toastError);
  }, [client, toastError]);

  useEffect(
    () =>
      client.on('search.progress', (p) => {
        if (p.searchId !== running.current) return;
        setPhase((ph) => (ph.kind === 'running' && ph.searchId === p.searchId ? { ...ph, done: p.done, total: p.total } : ph));
      }),
    [client],
  );

  // Keep the result for the way back from the editor; a finished search no longer runs.
  useEffect(() => {
    if (phase.kind !== 'running' && phase.kind !== 'queued') remembered.set(projectPath, { text, pack, phase });
  }, [projectPath, text, pack, phase]);

  const showing = phase.kind === 'result';
  useEffect(() => onShowingHits(showing), [showing, onShowingHits]);

  const run = () => {
    const q = text.trim();
    if (!q) return;
    const scope = scopeOf(nav, filterTotal);
    // The pack list can come back after the first Enter (a slow first models.list): never drop that Enter.
    if (packs === null) setPhase({ kind: 'queued', text: q, scope });
    else if (pack) start(q, scope);
  };

  useEffect(() => {
    if (phase.kind !== 'queued' || packs === null) return;
    if (pack) start(phase.text, phase.scope);
    else setPhase({ kind: 'idle' });
  });

  const start = (q: string, scope: string) => {
    const searchId = `s${Date.now()}-${nextSearch++}`;
    running.current = searchId;
    setPhase({ kind: 'running', searchId, text: q, scope, done: 0, total: filterTotal });
    // A search still running is cancelled by the session when this one starts.
    client.call('search.run', { searchId, pack, text: q, nav, limit: 500 }).then(
      (result) => {
        if (running.current !== searchId) return;
        running.current = null;
        setPhase({ kind: 'result', text: q, scope, result });
      },
      (e) => {
        if (running.current !== searchId) return;
        running.current = null;
        setPhase({ kind: 'idle' });
        toastError(e);
      },
    );
  };

  const cancel = () => {
    if (phase.kind === 'queued') setPhase({ kind: 'idle' });
    if (phase.kind === 'running') client.call('search.cancel', { searchId: phase.searchId }).catch(toastError);
  };

  const clear = () => {
    if (phase.kind === 'running' || phase.kind === 'queued') cancel();
    running.current = null;
    setPhase({ kind: 'idle' });
  };

  // Esc returns to the grid from anywhere on the screen (the editor is not mounted here).
  useEffect(() => {
    if (phase.kind !== 'result') return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      running.current = null;
      setPhase({ kind: 'idle' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [phase.kind]);

  if (packs && packs.length === 0)
    return (
      <div className="search-bar" data-testid="search-bar">
        <span className="muted" data-testid="search-no-pack">
          Text search needs a UNITER model pack, and none is installed.
        </span>
        <button className="link" onClick={() => go('models')}>
          Open the Models screen
        </button>
      </div>
    );

  const total = phase.kind === 'running' ? phase.total : null;
  const done = phase.kind === 'running' ? phase.done : 0;
  return (
    <div className={`search-area ${showing ? 'showing' : ''}`}>
      <div className="search-bar" data-testid="search-bar">
        <span className="search-icon" aria-hidden>
          ⌕
        </span>
        <input
          ref={input}
          type="text"
          className="search-input"
          placeholder="Search images by text…"
          aria-label="Search images by text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              run();
            } else if (e.key === 'Escape') {
              e.preventDefault();
              clear();
            }
          }}
          data-testid="search-input"
        />
        {packs && packs.length > 1 && (
          <select value={pack} onChange={(e) => setPack(e.target.value)} aria-label="UNITER pack" data-testid="search-pack">
            {packs.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName || p.id}
              </option>
            ))}
          </select>
        )}
        <button onClick={run} disabled={!text.trim() || (packs !== null && !pack) || phase.kind === 'running' || phase.kind === 'queued'} data-testid="search-run">
          Search
        </button>
        <span className="muted" data-testid="search-scope">
          {phase.kind === 'idle' ? scopeOf(nav, filterTotal) : phase.scope}
        </span>
        {phase.kind === 'result' && (
          <button className="search-clear" onClick={clear} title="Back to the grid (Esc)" aria-label="Clear the search" data-testid="search-clear">
            ×
          </button>
        )}
      </div>
      {(phase.kind === 'running' || phase.kind === 'queued') && (
        <div className="search-running" data-testid="search-running">
          <div className="progress small" data-testid="search-progress">
            <div className="bar" style={{ width: total ? `${(100 * done) / total}%` : '0%' }} />
            <span>
              {phase.kind === 'queued' ? `Searching “${phase.text}”: finding the UNITER pack…` : `Searching “${phase.text}”: ${done} / ${total ?? '…'} images`}
            </span>
          </div>
          <button onClick={cancel} data-testid="search-cancel">
            Cancel
          </button>
        </div>
      )}
      {phase.kind === 'result' && (
        <div className={`search-summary ${phase.result.cancelled ? 'cancelled' : ''}`} data-testid="search-summary" data-cancelled={phase.result.cancelled}>
          <span>{summary(phase)}</span>
          {phase.result.cancelled && (
            <span className="badge search-partial" data-testid="search-partial">
              Partial: {phase.result.computedRegions + phase.result.cachedRegions} of {phase.result.searched} images ranked
            </span>
          )}
          {phase.result.failed.length > 0 && (
            <span className="search-failed" title={phase.result.failed.map((f) => `${f.name}: ${f.error}`).join('\n')} data-testid="search-failed">
              ⚠ {phase.result.failed.length} image{phase.result.failed.length === 1 ? '' : 's'} could not be searched
            </span>
          )}
          <span className="muted" title="Region features are cached next to the project, so a repeated search runs only the text-matching pass">
            {phase.result.cachedRegions} from the feature cache, {phase.result.computedRegions} computed
          </span>
          <span className="muted">Esc or × for the grid</span>
        </div>
      )}
      {phase.kind === 'result' && <SearchHits hits={phase.result.hits} />}
    </div>
  );
}
