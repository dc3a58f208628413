import { useApp } from '../app-context';
import { useJobs } from './useJobs';

/** The running job's progress in the top bar, on every screen. */
export function JobBar() {
  const { client, go, toastError } = useApp();
  const { jobs } = useJobs(client, toastError);
  const j = jobs.find((x) => x.state === 'running' || x.state === 'paused' || x.state === 'pending');
  if (!j) return null;
  const pct = j.total ? (100 * (j.done + j.failed + j.skipped)) / j.total : 0;
  return (
    <button className="jobbar" onClick={() => go('prelabel')} title="Pre-labeling job" data-testid="jobbar">
      <span className="mini-progress">
        <span style={{ width: `${pct}%` }} />
      </span>
      {j.state === 'paused' ? 'Paused' : 'Pre-labeling'} {j.done}/{j.total}
      {j.failed > 0 && <span className="jobbar-failed"> · {j.failed} failed</span>}
    </button>
  );
}
