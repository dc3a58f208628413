import { useApp } from '../app-context';
import { useJobs } from './useJobs';

const RUNNING_LABEL = { prelabel: 'Pre-labeling', audit: 'Auditing' } as const;

/** The running job's progress in the top bar, on every screen. */
export function JobBar() {
  const { client, go, toastError } = useApp();
  const { jobs } = useJobs(client, toastError);
  const j = jobs.find((x) => x.state === 'running' || x.state === 'paused' || x.state === 'pending');
  if (!j) return null;
  const mode = 'mode' in j ? j.mode : 'prelabel';
  const pct = j.total ? (100 * (j.done + j.failed + j.skipped)) / j.total : 0;
  return (
    <button
      className="jobbar"
      onClick={() => go('prelabel')}
      title={`${RUNNING_LABEL[mode]} job`}
      data-testid="jobbar"
      data-mode={mode}
    >
      <span className="mini-progress">
        <span style={{ width: `${pct}%` }} />
      </span>
      {j.state === 'paused' ? 'Paused' : RUNNING_LABEL[mode]} {j.done}/{j.total}
      {j.failed > 0 && <span className="jobbar-failed"> · {j.failed} failed</span>}
    </button>
  );
}
