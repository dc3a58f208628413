import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { CategoryWithCount, NavQuery, SessionInfo } from '../../src-main/shared/api';
import { AppContext, type AppCtx, type Screen } from './app-context';
import { errorMessage, type RpcClient } from '../../src-main/shared/rpc';
import { LwError } from '../../src-main/shared/errors';
import { EditorStore } from './editor/store';
import type { KeyScheme } from './editor/actions';
import { installTestApi, testModeRequested } from './test-api';
import { StartScreen } from './screens/StartScreen';
import { BrowserScreen } from './screens/BrowserScreen';
import { EditorScreen } from './screens/EditorScreen';
import { CategoriesScreen } from './screens/CategoriesScreen';
import { PrelabelScreen } from './screens/PrelabelScreen';
import { ModelsScreen } from './screens/ModelsScreen';
import { ExportScreen } from './screens/ExportScreen';
import { ReportScreen } from './screens/ReportScreen';
import { JobBar } from './panels/JobBar';

const TABS: { id: Screen; label: string; key: string }[] = [
  { id: 'browser', label: 'Images', key: 'g' },
  { id: 'editor', label: 'Editor', key: '' },
  { id: 'categories', label: 'Categories', key: '' },
  { id: 'prelabel', label: 'Pre-label', key: '' },
  { id: 'models', label: 'Models', key: '' },
  { id: 'export', label: 'Export', key: '' },
  { id: 'report', label: 'Corrections', key: '' },
];

const SCHEME_KEY = 'labelwright.keyScheme';

export function App({ client }: { client: RpcClient }) {
  const store = useMemo(() => new EditorStore(client), [client]);
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [screen, setScreen] = useState<Screen>('start');
  const [categories, setCategories] = useState<CategoryWithCount[]>([]);
  const [scheme, setSchemeState] = useState<KeyScheme>(() =>
    localStorage.getItem(SCHEME_KEY) === 'cvat' ? 'cvat' : 'default',
  );
  const [dataVersion, setDataVersion] = useState(0);
  const [toastMsg, setToast] = useState<{ text: string; hint?: string; kind: 'info' | 'error'; at: number } | null>(null);
  const [navQuery, setNavQuery] = useState<NavQuery>({ sort: 'name' });
  const [selection, setSelection] = useState<number[]>([]);
  const [fatal, setFatal] = useState<string | null>(null);
  const [connection, setConnection] = useState<'connected' | 'reconnecting'>('connected');
  const openImageId = useSyncExternalStore(store.subscribe, () => store.get().imageId);
  const screenRef = useRef(screen);
  screenRef.current = screen;

  const toast = useCallback(
    (text: string, kind: 'info' | 'error' = 'info') => setToast({ text, kind, at: Date.now() }),
    [],
  );
  // Every failed call reaches the person: message, and the hint on its own line.
  const toastError = useCallback((e: unknown) => {
    if (e instanceof LwError) setToast({ text: e.message, hint: e.hint, kind: 'error', at: Date.now() });
    else setToast({ text: errorMessage(e), kind: 'error', at: Date.now() });
  }, []);
  const bump = useCallback(() => setDataVersion((v) => v + 1), []);

  const refreshCategories = useCallback(async () => {
    try {
      const cats = await client.call('categories.list', {});
      setCategories(cats);
      store.setCategories(cats);
    } catch (e) {
      toastError(e);
    }
  }, [client, store, toastError]);

  const applySession = useCallback(
    (s: SessionInfo, initial = false) => {
      setSession(s);
      if (testModeRequested(s)) installTestApi(client, store, () => screenRef.current);
      if (s.project) {
        void refreshCategories();
        // At start-up go straight to the images (or the image in the URL); after
        // create/open stay to add folders.
        const m = /^#\/image\/(\d+)$/.exec(location.hash);
        if (initial && m) {
          setScreen('editor');
          void store.load(Number(m[1]));
        } else if (initial) setScreen('browser');
      } else setScreen('start');
      if (!initial) store.close();
      bump();
    },
    [client, store, refreshCategories, bump],
  );

  useEffect(() => {
    client
      .call('session.info', {})
      .then((s) => applySession(s, true))
      .catch((e) => setFatal(errorMessage(e)));
  }, [client, applySession]);

  // The host went away and came back: reload what is on screen (saves in flight were
  // answered or not; the server's state is the truth).
  useEffect(
    () =>
      client.onConnection((c) => {
        setConnection(c);
        if (c !== 'connected') return;
        void refreshCategories();
        bump();
        // Lost saves reconcile themselves (EditorStore.save); otherwise pick up changes.
        if (store.get().savingCount === 0) void store.refresh('Changed elsewhere');
      }),
    [client, store, refreshCategories, bump],
  );

  useEffect(() => {
    const offs = [
      client.on('images.changed', (p) => {
        bump();
        const cur = store.get().imageId;
        // Changed by someone else (another window, a job): re-read it as one undoable step.
        if (cur != null && p.ids.includes(cur) && store.get().savingCount === 0)
          void store.refresh('Changed elsewhere');
      }),
      client.on('jobs.progress', (p) => {
        if (p.state === 'done' || p.state === 'cancelled' || p.state === 'failed') {
          bump();
          void refreshCategories();
          // The open image may have new model output: one undoable step.
          void store.refresh();
        }
      }),
    ];
    return () => offs.forEach((f) => f());
  }, [client, store, bump, refreshCategories]);

  // The open image lives in the URL hash, so a reload comes back to it.
  useEffect(() => {
    store.onImageChange = (id) =>
      history.replaceState(
        null,
        '',
        `${location.pathname}${location.search}${id != null ? `#/image/${id}` : ''}`,
      );
    // Saves go out at once; warn only if the window closes while one is still in flight.
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (store.get().savingCount > 0) e.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => window.removeEventListener('beforeunload', beforeUnload);
  }, [store]);

  // The editor's D/A and "next unreviewed" walk the grid's filter and order, or the list the
  // image was opened from (a search's hits: openImage's nav); set before any load, so the first
  // image opened already has its neighbours in that order.
  const [openedNav, setOpenedNav] = useState<NavQuery | null>(null);
  useEffect(() => {
    store.nav = openedNav ?? navQuery;
  }, [store, navQuery, openedNav]);

  useEffect(() => {
    store.onSaved = () => setDataVersion((v) => v + 1);
    return () => {
      store.onSaved = undefined;
    };
  }, [store]);

  useEffect(() => {
    const off = store.subscribe(() => {
      const m = store.get().message;
      if (m) {
        store.set({ message: null });
        toast(m.text, m.kind);
      }
    });
    return off;
  }, [store, toast]);

  useEffect(() => {
    if (!toastMsg) return;
    const t = setTimeout(() => setToast(null), toastMsg.kind === 'error' ? 8000 : 2200);
    return () => clearTimeout(t);
  }, [toastMsg]);

  const ctx: AppCtx = {
    client,
    session,
    setSession: applySession,
    categories,
    refreshCategories,
    store,
    screen,
    go: (s) => {
      if (s === 'browser' || s === 'categories' || s === 'report') void refreshCategories();
      setScreen(s);
    },
    openImage: (id, nav) => {
      setOpenedNav(nav ?? null);
      store.nav = nav ?? navQuery;
      setScreen('editor');
      void store.load(id);
    },
    scheme,
    setScheme: (s) => {
      localStorage.setItem(SCHEME_KEY, s);
      setSchemeState(s);
    },
    dataVersion,
    bump,
    toast,
    toastError,
    navQuery,
    setNavQuery,
    selection,
    setSelection,
  };

  if (fatal) {
    return (
      <div className="fatal">
        <h1>Labelwright</h1>
        <p>Cannot reach the Labelwright service: {fatal}</p>
        <p className="muted">
          Open the URL the host printed (it carries the access token), or restart the host.
        </p>
      </div>
    );
  }

  return (
    <AppContext.Provider value={ctx}>
      <div className="app">
        <header className="topbar">
          <div className="brand" onClick={() => setScreen('start')} title="Projects">
            <span className="logo">◩</span> Labelwright
          </div>
          {session?.project && (
            <nav className="tabs">
              {TABS.map((t) => (
                <button
                  key={t.id}
                  data-testid={`tab-${t.id}`}
                  className={screen === t.id ? 'tab active' : 'tab'}
                  onClick={() => ctx.go(t.id)}
                  disabled={t.id === 'editor' && openImageId == null}
                >
                  {t.label}
                </button>
              ))}
            </nav>
          )}
          <div className="spacer" />
          {session?.project && <JobBar />}
          <span className="project-name" title={session?.project?.path}>
            {session?.project?.name ?? 'No project'}
          </span>
          <span
            className={`ep ep-${session?.executionProvider.provider ?? 'cpu'}`}
            title={session?.executionProvider.reason ?? ''}
          >
            {session?.executionProvider.provider.toUpperCase() ?? '…'}
          </span>
          <label className="scheme" title="Key scheme for next/previous image">
            <input
              type="checkbox"
              checked={scheme === 'cvat'}
              onChange={(e) => ctx.setScheme(e.target.checked ? 'cvat' : 'default')}
              data-testid="cvat-keys"
            />{' '}
            CVAT keys
          </label>
        </header>
        <main className="content">
          {!session && (
            <div className="loading">
              Connecting…
              <p className="muted small">
                In a browser, open the exact URL the host printed: it carries the access token.
              </p>
            </div>
          )}
          {connection === 'reconnecting' && (
            <div className="banner" role="alert" data-testid="reconnecting">
              Connection to the Labelwright service lost. Reconnecting… Your saved work is safe; the last
              change may need redoing.
            </div>
          )}
          {session && screen === 'start' && <StartScreen />}
          {session?.project && screen === 'browser' && <BrowserScreen />}
          {session?.project && screen === 'editor' && <EditorScreen />}
          {session?.project && screen === 'categories' && <CategoriesScreen />}
          {session?.project && screen === 'prelabel' && <PrelabelScreen />}
          {session?.project && screen === 'models' && <ModelsScreen />}
          {session?.project && screen === 'export' && <ExportScreen />}
          {session?.project && screen === 'report' && <ReportScreen />}
        </main>
        {toastMsg && (
          <div
            className={`toast toast-${toastMsg.kind}`}
            role={toastMsg.kind === 'error' ? 'alert' : 'status'}
            data-testid="toast"
          >
            <div className="toast-text">{toastMsg.text}</div>
            {toastMsg.hint && (
              <div className="toast-hint" data-testid="toast-hint">
                {toastMsg.hint}
              </div>
            )}
            {toastMsg.kind === 'error' && (
              <button className="toast-close" aria-label="Dismiss" onClick={() => setToast(null)}>
                ×
              </button>
            )}
          </div>
        )}
      </div>
    </AppContext.Provider>
  );
}
