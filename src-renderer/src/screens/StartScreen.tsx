import { useEffect, useState } from 'react';
import type { AddImagesResult } from '../../../src-main/shared/contract';
import { useApp } from '../app-context';
import { PickButton } from '../panels/PickButton';

/** Create or open a project by path (the browser host has no native dialogs), then add folders. */
export function StartScreen() {
  const { client, session, setSession, toast, toastError } = useApp();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);

  const run = async (method: 'project.create' | 'project.open', p: string) => {
    if (!p.trim()) return setErr('Enter the path of a .lw project file');
    setBusy(true);
    setErr(null);
    try {
      const s = await client.call(method, { path: p.trim() });
      setSession(s);
      toast(`${method === 'project.create' ? 'Created' : 'Opened'} ${s.project?.name ?? p}`);
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="start">
      <section className="card start-card">
        <h1>Labelwright</h1>
        <p className="muted">
          Vision-language models pre-label whole folders; you correct what they got wrong.
        </p>
        <label className="field">
          <span>Project file</span>
          <input
            data-testid="project-path"
            value={path}
            placeholder="/data/projects/street-signs.lw"
            onChange={(e) => setPath(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void run('project.open', path)}
            spellCheck={false}
          />
        </label>
        <div className="row">
          <button
            className="primary"
            data-testid="create-project"
            disabled={busy}
            onClick={() => void run('project.create', path)}
          >
            Create project
          </button>
          <button data-testid="open-project" disabled={busy} onClick={() => void run('project.open', path)}>
            Open project
          </button>
          <PickButton purpose="createProject" label="New…" onPick={(p) => void run('project.create', p)} />
          <PickButton purpose="openProject" label="Open…" onPick={(p) => void run('project.open', p)} />
        </div>
        {err && (
          <p className="error" role="alert">
            {err}
          </p>
        )}
        {session?.recent && session.recent.length > 0 && (
          <>
            <h3>Recent projects</h3>
            <ul className="recent" data-testid="recent-projects">
              {session.recent.map((r) => (
                <li key={r}>
                  <button className="link" onClick={() => void run('project.open', r)} title={r}>
                    {r.split(/[\\/]/).pop()} <span className="muted">{r}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      {session?.project && <AddFolderCard />}
    </div>
  );
}

export function AddFolderCard() {
  const { client, session, bump, toast, toastError, go } = useApp();
  const [folder, setFolder] = useState('');
  const [progress, setProgress] = useState<{ done: number; total: number; path: string } | null>(null);
  const [result, setResult] = useState<AddImagesResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);

  useEffect(() => client.on('project.addProgress', (p) => setProgress(p)), [client]);

  const add = async () => {
    if (!folder.trim()) return setErr('Enter a folder path');
    setBusy(true);
    setErr(null);
    setResult(null);
    setProgress({ done: 0, total: 0, path: '' });
    try {
      const r = await client.call('project.addFolder', { folder: folder.trim() });
      setResult(r);
      bump();
      toast(`Added ${r.added} images`);
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
    }
  };
  const pct = progress && progress.total ? (100 * progress.done) / progress.total : 0;
  return (
    <section className="card start-card">
      <h2>{session?.project?.name}</h2>
      <p className="muted mono">{session?.project?.path}</p>
      <label className="field">
        <span>Add a folder of images</span>
        <input
          data-testid="folder-path"
          value={folder}
          placeholder="/data/images/batch-01"
          onChange={(e) => setFolder(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void add()}
          spellCheck={false}
        />
      </label>
      <div className="row">
        <button className="primary" data-testid="add-folder" disabled={busy} onClick={() => void add()}>
          Add folder
        </button>
        <PickButton purpose="addFolder" onPick={setFolder} />
        <button onClick={() => go('browser')} data-testid="go-browser">
          Browse images →
        </button>
      </div>
      {(busy || result) && (
        <div className="progress" data-testid="add-progress">
          <div
            className="bar"
            style={{ width: `${result ? 100 : pct}%`, transition: result ? 'none' : undefined }}
          />
          <span>
            {result ? 'Done' : progress?.total ? `${progress.done} / ${progress.total}` : 'Scanning…'}
          </span>
        </div>
      )}
      {result && (
        <p data-testid="add-result">
          Added <b>{result.added}</b> · already present {result.alreadyPresent} · moved {result.relocated} ·
          duplicates {result.duplicates.length} · failed {result.failed.length}
        </p>
      )}
      {result && result.failed.length > 0 && (
        <ul className="failures">
          {result.failed.slice(0, 20).map((f) => (
            <li key={f.path}>
              <span className="mono">{f.path}</span>: {f.reason}
            </li>
          ))}
        </ul>
      )}
      {err && (
        <p className="error" role="alert">
          {err}
        </p>
      )}
    </section>
  );
}
