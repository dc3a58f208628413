import { useEffect, useState } from 'react';
import type { EpInfo, PackInfo } from '../../../src-main/shared/api';
import { useApp } from '../app-context';
import { formatEta, JOB_MODE_LABEL, useJobs } from '../panels/useJobs';
import { FailedItems } from '../panels/FailedItems';

type Target = 'current' | 'selection' | 'unlabeled' | 'all';

/** Run model packs over images: choose packs and targets; live progress; pause, resume, cancel. */
export function PrelabelScreen() {
  const { client, store, selection, toast, toastError, categories, go } = useApp();
  const [packs, setPacks] = useState<PackInfo[]>([]);
  const [ep, setEp] = useState<EpInfo | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [target, setTarget] = useState<Target>('unlabeled');
  const [threshold, setThreshold] = useState('');
  const [fuse, setFuse] = useState(false);
  const [overwriteHuman, setOverwriteHuman] = useState(false);
  const [busy, setBusy] = useState(false);
  const { jobs, refresh } = useJobs(client, toastError);
  const currentId = store.get().imageId;
  // A UNITER pack does not pre-label: chosen, it turns the run into a label audit (alone).
  const isUniter = (id: string) => packs.some((p) => p.id === id && p.kind === 'uniter');
  const audit = chosen.some(isUniter);
  const choose = (id: string, on: boolean) => {
    if (!on) return setChosen((c) => c.filter((x) => x !== id));
    if (isUniter(id)) {
      setChosen([id]);
      setTarget('all'); // an audit looks at every image unless told otherwise
    } else setChosen((c) => [...c.filter((x) => !isUniter(x)), id]);
  };
  // Progress events carry the counts only: once a job settles, read it whole (the classes it dropped).
  const settled = jobs
    .filter(
      (j) => j.state === 'done' || j.state === 'failed' || j.state === 'cancelled' || j.state === 'paused',
    )
    .map((j) => `${j.jobId}:${j.state}`)
    .join(',');
  useEffect(() => {
    if (settled) refresh();
    // Not on refresh (a new function each render): only a newly settled job reads again.
  }, [settled]);

  useEffect(() => {
    client.call('models.list', {}).then(
      (r) => {
        setPacks(r.packs);
        setEp(r.executionProvider);
        setChosen((cur) => (cur.length ? cur : defaultDetector(r.packs)));
      },
      (e) => toastError(e),
    );
  }, [client, toastError]);

  const start = async () => {
    const t =
      target === 'current'
        ? currentId != null
          ? { kind: 'images' as const, imageIds: [currentId] }
          : null
        : target === 'selection'
          ? selection.length
            ? { kind: 'images' as const, imageIds: selection }
            : null
          : { kind: target };
    if (!t)
      return toast(
        target === 'current' ? 'Open an image first' : 'Select images in the browser first (Ctrl+click)',
        'error',
      );
    if (!chosen.length) return toast('Choose at least one installed pack', 'error');
    setBusy(true);
    try {
      const th = threshold.trim() === '' ? undefined : Number(threshold);
      await client.call(
        'jobs.start',
        audit
          ? { packs: chosen, target: t, mode: 'audit' }
          : {
              packs: chosen,
              target: t,
              ...(th != null && !isNaN(th) ? { threshold: th } : {}),
              fuse,
              overwriteHuman,
            },
      );
      refresh();
    } catch (e) {
      toastError(e);
    } finally {
      setBusy(false);
    }
  };

  const act = async (m: 'jobs.pause' | 'jobs.resume' | 'jobs.cancel' | 'jobs.retry', jobId: number) => {
    try {
      await client.call(m, { jobId });
      refresh();
    } catch (e) {
      toastError(e);
    }
  };

  return (
    <div className="page">
      <h2>Pre-label</h2>
      <p className="muted">
        Execution provider: <b data-testid="ep">{ep?.provider.toUpperCase() ?? '…'}</b>
        {ep?.reason && <span> — {ep.reason}</span>}
        {categories.length === 0 && (
          <span className="error">
            {' '}
            No categories:{' '}
            <button className="link" onClick={() => go('categories')}>
              add some
            </button>{' '}
            first; models are prompted with them.
          </span>
        )}
      </p>
      <table className="table" data-testid="packs-table">
        <thead>
          <tr>
            <th />
            <th>Pack</th>
            <th>Kind</th>
            <th>Licence</th>
            <th>Installed</th>
          </tr>
        </thead>
        <tbody>
          {packs.map((p) => (
            <tr key={p.id} className={p.installed ? '' : 'dim'}>
              <td>
                <input
                  type="checkbox"
                  disabled={!p.installed}
                  title={
                    p.kind === 'uniter'
                      ? 'UNITER does not pre-label: it audits the labels (scores each category’s text on every image)'
                      : undefined
                  }
                  checked={chosen.includes(p.id)}
                  onChange={(e) => choose(p.id, e.target.checked)}
                  data-testid={`pack-${p.id}`}
                  aria-label={p.displayName}
                />
              </td>
              <td>
                {p.displayName} <span className="muted mono">{p.id}</span>{' '}
                {p.fixture && <span className="badge">fixture</span>}
              </td>
              <td>{p.kind}</td>
              <td title={p.licenseNotice ?? ''}>
                {p.license}
                {p.licenseNotice && ' ⚠'}
              </td>
              <td>
                {p.installed ? (
                  '✓'
                ) : (
                  <button className="link" onClick={() => go('models')}>
                    install…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <div className="seg" role="radiogroup" aria-label="Images">
          {(
            [
              ['current', 'Current image'],
              ['selection', `Selection (${selection.length})`],
              ['unlabeled', 'All unlabeled'],
              ['all', 'All images'],
            ] as const
          ).map(([id, label]) => (
            <button
              key={id}
              className={target === id ? 'on' : ''}
              onClick={() => setTarget(id)}
              data-testid={`target-${id}`}
              role="radio"
              aria-checked={target === id}
            >
              {label}
            </button>
          ))}
        </div>
        {audit ? (
          <span className="muted audit-note" data-testid="audit-note">
            Audit: scores each category’s prompt on every image; annotations are not changed. Flags show in
            the Images grid (Audit filter), the editor and the Corrections report.
          </span>
        ) : (
          <>
            <label className="inline">
              Threshold{' '}
              <input
                className="narrow"
                placeholder="per class"
                value={threshold}
                onChange={(e) => setThreshold(e.target.value)}
              />
            </label>
            <label className="inline">
              <input type="checkbox" checked={fuse} onChange={(e) => setFuse(e.target.checked)} /> Fuse boxes
              + masks
            </label>
            <label className="inline" title="Replace annotations on images people already touched">
              <input
                type="checkbox"
                checked={overwriteHuman}
                onChange={(e) => setOverwriteHuman(e.target.checked)}
              />{' '}
              Overwrite human work
            </label>
          </>
        )}
        <button
          className="primary"
          disabled={busy || !chosen.length}
          onClick={() => void start()}
          data-testid="start-job"
        >
          {audit ? 'Audit labels' : 'Run'}
        </button>
      </div>
      <h3>Jobs</h3>
      <div className="jobs" data-testid="jobs">
        {jobs.length === 0 && <p className="muted">No jobs yet.</p>}
        {jobs.map((j) => {
          const pct = j.total ? (100 * (j.done + j.failed + j.skipped)) / j.total : 0;
          return (
            <div key={j.jobId} className={`job job-${j.state}`} data-testid="job" data-state={j.state}>
              <div className="job-head">
                <b>#{j.jobId}</b>{' '}
                {'mode' in j && (
                  <span className={`badge mode-${j.mode}`} data-testid="job-mode">
                    {JOB_MODE_LABEL[j.mode]}
                  </span>
                )}{' '}
                {'packs' in j && <span className="mono">{j.packs.join(' + ')}</span>}
                <span className={`badge state-${j.state}`}>{j.state}</span>
                <div className="spacer" />
                {j.state === 'running' && (
                  <button onClick={() => void act('jobs.pause', j.jobId)}>Pause</button>
                )}
                {j.state === 'paused' && (
                  <button onClick={() => void act('jobs.resume', j.jobId)}>Resume</button>
                )}
                {(j.state === 'running' || j.state === 'paused' || j.state === 'pending') && (
                  <button className="danger" onClick={() => void act('jobs.cancel', j.jobId)}>
                    Cancel
                  </button>
                )}
                {j.failed > 0 && (j.state === 'done' || j.state === 'failed' || j.state === 'cancelled') && (
                  <button onClick={() => void act('jobs.retry', j.jobId)} data-testid="retry-failed">
                    Retry failed
                  </button>
                )}
              </div>
              <div className="progress">
                <div className="bar" style={{ width: `${pct}%` }} />
                <span>
                  {j.done} / {j.total} done · {j.failed} failed · {j.skipped} skipped
                </span>
              </div>
              <div className="muted job-stats">
                {j.imagesPerSecond.toFixed(2)} images/s · ETA {formatEta(j.etaSeconds)}
                {j.currentFile && <span className="mono"> · {j.currentFile.split(/[\\/]/).pop()}</span>}
                {j.error && <span className="error"> · {j.error}</span>}
              </div>
              {'droppedClasses' in j && Object.keys(j.droppedClasses).length > 0 && (
                <div
                  className="muted job-stats"
                  data-testid="job-dropped"
                  title="Classes the model found that match no category"
                >
                  Dropped (no category):{' '}
                  {Object.entries(j.droppedClasses)
                    .sort((a, b) => b[1] - a[1])
                    .map(([name, n]) => `${name} ×${n}`)
                    .join(', ')}
                </div>
              )}
              <FailedItems jobId={j.jobId} failed={j.failed} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

/**
 * Chosen at first: one installed detector, GLIP (open vocabulary: any category) before
 * Pix2seq (a closed set of classes, matched to categories by name).
 */
function defaultDetector(packs: PackInfo[]): string[] {
  const installed = packs.filter((p) => p.installed);
  const pick = installed.find((p) => p.kind === 'glip') ?? installed.find((p) => p.kind === 'pix2seq');
  return pick ? [pick.id] : [];
}
