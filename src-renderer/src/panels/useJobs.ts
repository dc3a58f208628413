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
    // Progress carries counts only: a job first heard of there is read whole once (its mode, packs).
    let listed: Set<number> | null = null;
    const heard = new Set<number>();
    const readAgain = () => live && setTick((t) => t + 1);
    client.call('jobs.list', {}).then(
      (list) => {
        listed = new Set(list.map((j) => j.jobId));
        if (!live) return;
        setJobs((cur) => mergeJobs(list, cur));
        if ([...heard].some((id) => !listed!.has(id))) readAgain();
      },
      (e) => live && onError(e),
    );
    const off = client.on('jobs.progress', (p) => {
      setJobs((cur) => upsert(cur, p));
      if (!listed) heard.add(p.jobId);
      else if (!listed.has(p.jobId)) {
        listed.add(p.jobId);
        readAgain();
      }
    });
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

/** What a job does, in the job list and the top bar. */
export const JOB_MODE_LABEL = { prelabel: 'Pre-label', audit: 'Audit' } as const;

export function formatEta(s: number | null): string {
  if (s == null || !isFinite(s)) return '—';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
