import type { JobInfo, JobState } from '../shared/api';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import * as jobs from '../db/jobs-table';
import { insertModelRun } from '../db/runs-table';
import { JobParams } from './job-params';

export type { ItemCounts, ItemState, PendingItemRow as PendingItem } from '../db/jobs-table';
export { droppedClasses, itemCounts, pendingItems } from '../db/jobs-table';

export interface JobRow {
  id: number;
  state: JobState;
  params: JobParams;
  error: string | null;
  createdAt: number;
}

/**
 * Creates the job, its runs and one item per image in a single transaction. With `joinSame`,
 * an unfinished job of the same signature is returned instead, checked in that transaction:
 * two `prelabel` commands started at once share one job rather than making two.
 */
export function createJob(
  pdb: ProjectDb,
  draft: Omit<JobParams, 'packs'> & { packs: Omit<JobParams['packs'][number], 'runId'>[] },
  imageIds: number[],
  joinSame = false,
  /** More for the runs' params_json (an audit run's default threshold, `auditThreshold`). */
  extraRunParams: Record<string, unknown> = {},
): number {
  return pdb.tx(() => {
    const existing = joinSame ? findResumable(pdb, draft.signature) : null;
    if (existing !== null) return existing;
    const now = Date.now();
    const prompt = draft.categories.map((c) => c.prompt).join(' . ');
    const runParams = JSON.stringify({ threshold: draft.threshold, fuse: draft.fuse, categories: draft.categories, ...extraRunParams });
    const packs = draft.packs.map((p) => ({
      ...p,
      runId: insertModelRun(pdb, { packId: p.id, packSha256: p.sha256, paramsJson: runParams, prompt }, now),
    }));
    const params: JobParams = JobParams.parse({ ...draft, packs });
    return jobs.insertJob(pdb, JSON.stringify(params), imageIds, now);
  });
}

export function getJob(pdb: ProjectDb, jobId: number): JobRow {
  const r = jobs.jobById(pdb, jobId);
  if (!r) throw new LwError('NOT_FOUND', `No job ${jobId} in this project`, 'List jobs with `labelwright jobs <project>`.');
  return { id: r.id, state: r.state, params: JobParams.parse(JSON.parse(r.params_json)), error: r.error, createdAt: r.created_at };
}

export function listJobIds(pdb: ProjectDb): number[] {
  return jobs.jobIds(pdb);
}

/** The newest unfinished job started by the same command, to resume instead of starting over. */
export function findResumable(pdb: ProjectDb, signature: string): number | null {
  for (const r of jobs.unfinishedJobs(pdb)) if ((JSON.parse(r.params_json) as { signature?: string }).signature === signature) return r.id;
  return null;
}

export function setJobState(pdb: ProjectDb, jobId: number, state: JobState, error: string | null = null): void {
  pdb.tx(() => jobs.setJobStateRow(pdb, jobId, state, error, Date.now()));
}

export function requeueFailed(pdb: ProjectDb, jobId: number): number {
  return pdb.tx(() => jobs.requeueFailedItems(pdb, jobId, Date.now()));
}

export function toJobInfo(
  job: JobRow,
  counts: jobs.ItemCounts,
  live?: { imagesPerSecond: number; etaSeconds: number | null; currentFile: string | null },
  droppedClasses: Record<string, number> = {},
): JobInfo {
  return {
    jobId: job.id,
    state: job.state,
    total: counts.total,
    done: counts.done,
    failed: counts.failed,
    skipped: counts.skipped,
    imagesPerSecond: live?.imagesPerSecond ?? 0,
    etaSeconds: live?.etaSeconds ?? null,
    currentFile: live?.currentFile ?? null,
    error: job.error,
    packs: job.params.packs.map((p) => p.id),
    mode: job.params.mode ?? 'prelabel',
    createdAt: job.createdAt,
    droppedClasses,
  };
}
