/**
 * The `jobs` table and `job_items` (one row per image of a job, with its state and
 * error). All SQL on them lives here; `setItemState` is the one writer of an item's state.
 */
import type { JobState } from '../shared/api';
import { stmt, type DbHandle } from './statements';

export type ItemState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface ItemCounts {
  total: number;
  pending: number;
  running: number;
  done: number;
  failed: number;
  skipped: number;
}

export interface JobRecord {
  id: number;
  state: JobState;
  params_json: string;
  error: string | null;
  created_at: number;
}

/** Inserts a pending pre-labeling job and one pending item per image. */
export function insertJob(h: DbHandle, paramsJson: string, imageIds: number[], now: number): number {
  const jobId = Number(
    stmt(h, `INSERT INTO jobs (kind, state, params_json, created_at, updated_at) VALUES ('prelabel', 'pending', ?, ?, ?)`).run(paramsJson, now, now)
      .lastInsertRowid,
  );
  const item = stmt(h, `INSERT INTO job_items (job_id, image_id, state, updated_at) VALUES (?, ?, 'pending', ?)`);
  for (const id of imageIds) item.run(jobId, id, now);
  return jobId;
}

export function jobById(h: DbHandle, jobId: number): JobRecord | undefined {
  return stmt(h, `SELECT id, state, params_json, error, created_at FROM jobs WHERE id = ?`).get(jobId) as JobRecord | undefined;
}

export function jobIds(h: DbHandle): number[] {
  return (stmt(h, `SELECT id FROM jobs ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
}

/** Jobs that may still run (everything but done), newest first. */
export function unfinishedJobs(h: DbHandle): { id: number; params_json: string }[] {
  return stmt(h, `SELECT id, params_json FROM jobs WHERE state IN ('pending','running','paused','cancelled','failed') ORDER BY id DESC`).all() as {
    id: number;
    params_json: string;
  }[];
}

export function setJobStateRow(h: DbHandle, jobId: number, state: JobState, error: string | null, now: number): void {
  stmt(h, `UPDATE jobs SET state = ?, error = ?, updated_at = ? WHERE id = ?`).run(state, error, now, jobId);
}

export function itemCounts(h: DbHandle, jobId: number): ItemCounts {
  const c: ItemCounts = { total: 0, pending: 0, running: 0, done: 0, failed: 0, skipped: 0 };
  for (const r of stmt(h, `SELECT state, count(*) AS n FROM job_items WHERE job_id = ? GROUP BY state`).all(jobId) as { state: ItemState; n: number }[]) {
    c[r.state] = r.n;
    c.total += r.n;
  }
  return c;
}

export interface ItemUpdate {
  /** The item's error text; undefined keeps the stored one. */
  error?: string | null;
  /** Count one more attempt (an image that ran to an outcome: done, skipped by the commit, or failed). */
  attempt?: boolean;
  /** The time to stamp; undefined keeps updated_at (a claim handed back untouched). */
  now?: number;
}

/** Sets one item's state: the one place job items change state one by one. */
export function setItemState(h: DbHandle, jobId: number, imageId: number, state: ItemState, u: ItemUpdate = {}): void {
  const sets = ['state = @state'];
  if (u.error !== undefined) sets.push('error = @error');
  if (u.attempt) sets.push('attempts = attempts + 1');
  if (u.now !== undefined) sets.push('updated_at = @now');
  stmt(h, `UPDATE job_items SET ${sets.join(', ')} WHERE job_id = @jobId AND image_id = @imageId`).run({
    state,
    jobId,
    imageId,
    ...(u.error !== undefined ? { error: u.error } : {}),
    ...(u.now !== undefined ? { now: u.now } : {}),
  });
}

/** Puts every item of a job in state `from` back to pending (failed ones lose their error). Returns how many. */
export function requeueItems(h: DbHandle, jobId: number, from: 'running' | 'failed', now: number): number {
  return from === 'failed'
    ? stmt(h, `UPDATE job_items SET state = 'pending', error = NULL, updated_at = ? WHERE job_id = ? AND state = 'failed'`).run(now, jobId).changes
    : stmt(h, `UPDATE job_items SET state = 'pending', updated_at = ? WHERE job_id = ? AND state = 'running'`).run(now, jobId).changes;
}

export interface PendingItemRow {
  imageId: number;
  path: string;
  width: number;
  height: number;
  humanTouched: boolean;
}

/** A job's pending items with what the runner needs of their images, in path order. */
export function pendingItems(h: DbHandle, jobId: number): PendingItemRow[] {
  return (
    stmt(
      h,
      `SELECT i.id AS imageId, i.path, i.width, i.height, i.human_touched_at IS NOT NULL AS humanTouched
       FROM job_items j JOIN images i ON i.id = j.image_id
       WHERE j.job_id = ? AND j.state = 'pending' ORDER BY i.path`,
    ).all(jobId) as (Omit<PendingItemRow, 'humanTouched'> & { humanTouched: number })[]
  ).map((r) => ({ ...r, humanTouched: r.humanTouched === 1 }));
}

/** Failed items with their reasons, in path order. */
export function failedItems(h: DbHandle, jobId: number): { path: string; error: string }[] {
  return stmt(
    h,
    `SELECT i.path, j.error FROM job_items j JOIN images i ON i.id = j.image_id WHERE j.job_id = ? AND j.state = 'failed' ORDER BY i.path`,
  ).all(jobId) as { path: string; error: string }[];
}

export interface JobItemRow {
  imageId: number;
  path: string;
  state: ItemState;
  error: string | null;
}

/** A job's items in one state with their images' paths and errors, in path order. */
export function jobItemsByState(h: DbHandle, jobId: number, state: ItemState): JobItemRow[] {
  return stmt(
    h,
    `SELECT i.id AS imageId, i.path, j.state, j.error FROM job_items j JOIN images i ON i.id = j.image_id
     WHERE j.job_id = ? AND j.state = ? ORDER BY i.path`,
  ).all(jobId, state) as JobItemRow[];
}
