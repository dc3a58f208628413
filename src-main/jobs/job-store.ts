import type { JobInfo, JobState } from '../shared/api';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import { JobParams } from './job-params';

export type ItemState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface JobRow {
  id: number;
  state: JobState;
  params: JobParams;
  error: string | null;
  createdAt: number;
}

export interface ItemCounts {
  total: number;
  pending: number;
  running: number;
  done: number;
  failed: number;
  skipped: number;
}

/** Creates the job, its runs and one item per image in a single transaction. */
export function createJob(
  pdb: ProjectDb,
  draft: Omit<JobParams, 'packs'> & { packs: Omit<JobParams['packs'][number], 'runId'>[] },
  imageIds: number[],
): number {
  return pdb.tx(() => {
    const now = Date.now();
    const prompt = draft.categories.map((c) => c.prompt).join(' . ');
    const insertRun = pdb.db.prepare(
      `INSERT INTO runs (kind, pack_id, pack_sha256, params_json, prompt, created_at) VALUES ('model', ?, ?, ?, ?, ?)`,
    );
    const packs = draft.packs.map((p) => ({
      ...p,
      runId: Number(
        insertRun.run(p.id, p.sha256, JSON.stringify({ threshold: draft.threshold, fuse: draft.fuse, categories: draft.categories }), prompt, now)
          .lastInsertRowid,
      ),
    }));
    const params: JobParams = JobParams.parse({ ...draft, packs });
    const jobId = Number(
      pdb.db
        .prepare(`INSERT INTO jobs (kind, state, params_json, created_at, updated_at) VALUES ('prelabel', 'pending', ?, ?, ?)`)
        .run(JSON.stringify(params), now, now).lastInsertRowid,
    );
    const item = pdb.db.prepare(`INSERT INTO job_items (job_id, image_id, state, updated_at) VALUES (?, ?, 'pending', ?)`);
    for (const id of imageIds) item.run(jobId, id, now);
    return jobId;
  });
}

export function getJob(pdb: ProjectDb, jobId: number): JobRow {
  const r = pdb.db.prepare(`SELECT id, state, params_json, error, created_at FROM jobs WHERE id = ?`).get(jobId) as
    | { id: number; state: JobState; params_json: string; error: string | null; created_at: number }
    | undefined;
  if (!r) throw new LwError('NOT_FOUND', `No job ${jobId} in this project`, 'List jobs with `labelwright jobs <project>`.');
  return { id: r.id, state: r.state, params: JobParams.parse(JSON.parse(r.params_json)), error: r.error, createdAt: r.created_at };
}

export function listJobIds(pdb: ProjectDb): number[] {
  return (pdb.db.prepare(`SELECT id FROM jobs ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
}

/** The newest unfinished job started by the same command, to resume instead of starting over. */
export function findResumable(pdb: ProjectDb, signature: string): number | null {
  const rows = pdb.db
    .prepare(`SELECT id, params_json FROM jobs WHERE state IN ('pending','running','paused','cancelled','failed') ORDER BY id DESC`)
    .all() as { id: number; params_json: string }[];
  for (const r of rows) if ((JSON.parse(r.params_json) as { signature?: string }).signature === signature) return r.id;
  return null;
}

export function setJobState(pdb: ProjectDb, jobId: number, state: JobState, error: string | null = null): void {
  pdb.tx(() => pdb.db.prepare(`UPDATE jobs SET state = ?, error = ?, updated_at = ? WHERE id = ?`).run(state, error, Date.now(), jobId));
}

export function itemCounts(pdb: ProjectDb, jobId: number): ItemCounts {
  const c: ItemCounts = { total: 0, pending: 0, running: 0, done: 0, failed: 0, skipped: 0 };
  for (const r of pdb.db.prepare(`SELECT state, count(*) AS n FROM job_items WHERE job_id = ? GROUP BY state`).all(jobId) as { state: ItemState; n: number }[]) {
    c[r.state] = r.n;
    c.total += r.n;
  }
  return c;
}

/**
 * An item left `running` means the process died mid-image; its outputs were never
 * committed (they commit together with the item's state), so it simply runs again.
 */
export function requeueInterrupted(pdb: ProjectDb, jobId: number): number {
  return pdb.tx(() => pdb.db.prepare(`UPDATE job_items SET state = 'pending', updated_at = ? WHERE job_id = ? AND state = 'running'`).run(Date.now(), jobId).changes);
}

export function requeueFailed(pdb: ProjectDb, jobId: number): number {
  return pdb.tx(() =>
    pdb.db.prepare(`UPDATE job_items SET state = 'pending', error = NULL, updated_at = ? WHERE job_id = ? AND state = 'failed'`).run(Date.now(), jobId).changes,
  );
}

export interface PendingItem {
  imageId: number;
  path: string;
  width: number;
  height: number;
  humanTouched: boolean;
}

export function pendingItems(pdb: ProjectDb, jobId: number): PendingItem[] {
  return (
    pdb.db
      .prepare(
        `SELECT i.id AS imageId, i.path, i.width, i.height, i.human_touched_at IS NOT NULL AS humanTouched
         FROM job_items j JOIN images i ON i.id = j.image_id
         WHERE j.job_id = ? AND j.state = 'pending' ORDER BY i.path`,
      )
      .all(jobId) as (Omit<PendingItem, 'humanTouched'> & { humanTouched: number })[]
  ).map((r) => ({ ...r, humanTouched: r.humanTouched === 1 }));
}

export function toJobInfo(job: JobRow, counts: ItemCounts, live?: { imagesPerSecond: number; etaSeconds: number | null; currentFile: string | null }): JobInfo {
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
    createdAt: job.createdAt,
  };
}
