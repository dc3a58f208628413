import { useEffect, useState } from 'react';
import type { JobInfo, JobProgress } from '../../../src-main/shared/api';
import type { RpcClient } from '../../../src-main/shared/rpc';

/** Jobs from `jobs.list`, kept live by `jobs.progress` events. */
export function useJobs(
  client: RpcClient,
  onError: (e: unknown) => void,
  version = 0,
): { jobs: (JobInfo | JobProgress)[]; refresh: () => void } {
  const [jobs, setJobs] = useState<(JobInfo | JobProgress)[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    client.call('jobs.list', {}).then(
      (list) => live && setJobs((cur) => mergeJobs(list, cur)),
      (e) => live && onError(e),
    );
    const off = client.on('jobs.progress', (p) => setJobs((cur) => upsert(cur, p)));
    return () => {
      live = false;
      off();
    };
  }, [client, onError, version, tick]);
  return { jobs, refresh: () => setTick((t) => t + 1) };
}

function upsert(list: (JobInfo | JobProgress)[], p: JobProgress | JobInfo) {
  const i = list.findIndex((j) => j.jobId === p.jobId);
  if (i < 0) return [p, ...list];
  const next = list.slice();
  next[i] = { ...list[i], ...p };
  return next;
}

function mergeJobs(fresh: JobInfo[], cur: (JobInfo | JobProgress)[]) {
  let out: (JobInfo | JobProgress)[] = [...fresh].sort((a, b) => b.jobId - a.jobId);
  for (const c of cur) if (!out.some((j) => j.jobId === c.jobId)) out = upsert(out, c);
  return out;
}

export function formatEta(s: number | null): string {
  if (s == null || !isFinite(s)) return '—';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
