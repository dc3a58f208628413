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
  // Each item's rank in path order: workers claim items in this order (claimNextItem).
  stmt(
    h,
    `UPDATE job_items SET seq = r.rn
     FROM (SELECT j.image_id, row_number() OVER (ORDER BY i.path) AS rn FROM job_items j JOIN images i ON i.id = j.image_id WHERE j.job_id = ?) AS r
     WHERE job_items.job_id = ? AND job_items.image_id = r.image_id`,
  ).run(jobId, jobId);
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

/**
 * Sets one item's state and ends any claim on it: the one place job items change state one
 * by one. With `owner`, only while that worker still holds the claim (a pending item it
 * claimed); returns whether the item changed.
 */
export function setItemState(h: DbHandle, jobId: number, imageId: number, state: ItemState, u: ItemUpdate & { owner?: string } = {}): boolean {
  const sets = ['state = @state', CLEAR_CLAIM];
  if (u.error !== undefined) sets.push('error = @error');
  if (u.attempt) sets.push('attempts = attempts + 1');
  if (u.now !== undefined) sets.push('updated_at = @now');
  const guard = u.owner !== undefined ? ` AND state = 'pending' AND owner = @owner` : '';
  return (
    stmt(h, `UPDATE job_items SET ${sets.join(', ')} WHERE job_id = @jobId AND image_id = @imageId${guard}`).run({
      state,
      jobId,
      imageId,
      ...(u.error !== undefined ? { error: u.error } : {}),
      ...(u.now !== undefined ? { now: u.now } : {}),
      ...(u.owner !== undefined ? { owner: u.owner } : {}),
    }).changes > 0
  );
}

const CLEAR_CLAIM = 'owner = NULL, owner_host = NULL, owner_pid = NULL, owner_started = NULL, claimed_at = NULL, heartbeat_at = NULL';

/** Who claims: a worker's id and the parts the same-host liveness check needs (jobs/worker-identity.ts). */
export interface ClaimOwner {
  id: string;
  host: string;
  pid: number;
  started: string | null;
}

/**
 * Claims the job's next unclaimed pending item in path order for `owner`, in ONE statement:
 * two workers can never both get the same item. Returns the item's image id, or undefined
 * when none is left to claim.
 */
export function claimNextItem(h: DbHandle, jobId: number, owner: ClaimOwner, now: number): number | undefined {
  const r = stmt(
    h,
    `UPDATE job_items SET owner = @id, owner_host = @host, owner_pid = @pid, owner_started = @started, claimed_at = @now, heartbeat_at = @now
     WHERE job_id = @jobId AND state = 'pending' AND owner IS NULL
       AND image_id = (SELECT image_id FROM job_items WHERE job_id = @jobId AND state = 'pending' AND owner IS NULL ORDER BY seq LIMIT 1)
     RETURNING image_id`,
  ).get({ jobId, now, id: owner.id, host: owner.host, pid: owner.pid, started: owner.started }) as { image_id: number } | undefined;
  return r?.image_id;
}

/** Keeps a worker's claims on a job alive. Returns how many it still holds. */
export function touchClaims(h: DbHandle, jobId: number, ownerId: string, now: number): number {
  return stmt(h, `UPDATE job_items SET heartbeat_at = ? WHERE job_id = ? AND owner = ?`).run(now, jobId, ownerId).changes;
}

/** Hands back every claim of one owner on a job (the items stay pending). Returns how many. */
export function releaseClaims(h: DbHandle, jobId: number, ownerId: string): number {
  return stmt(h, `UPDATE job_items SET ${CLEAR_CLAIM} WHERE job_id = ? AND owner = ?`).run(jobId, ownerId).changes;
}

/** Hands back claims whose heartbeat is older than `before` (their worker died or stalled). */
export function releaseStaleClaims(h: DbHandle, jobId: number, before: number): number {
  return stmt(h, `UPDATE job_items SET ${CLEAR_CLAIM} WHERE job_id = ? AND owner IS NOT NULL AND heartbeat_at < ?`).run(jobId, before).changes;
}

export interface ClaimHolder {
  id: string;
  host: string | null;
  pid: number | null;
  started: string | null;
  claims: number;
  heartbeatAt: number;
}

/** The workers holding claims on a job, with how many and their latest heartbeat. */
export function claimHolders(h: DbHandle, jobId: number): ClaimHolder[] {
  return stmt(
    h,
    `SELECT owner AS id, owner_host AS host, owner_pid AS pid, owner_started AS started, count(*) AS claims, max(heartbeat_at) AS heartbeatAt
     FROM job_items WHERE job_id = ? AND owner IS NOT NULL GROUP BY owner, owner_host, owner_pid, owner_started`,
  ).all(jobId) as ClaimHolder[];
}

/** When anything on a job last changed: the job row or any of its items (ms since the epoch). */
export function lastJobActivity(h: DbHandle, jobId: number): number {
  const r = stmt(
    h,
    `SELECT max(coalesce((SELECT updated_at FROM jobs WHERE id = @jobId), 0),
                coalesce((SELECT max(updated_at) FROM job_items WHERE job_id = @jobId), 0)) AS at`,
  ).get({ jobId }) as { at: number };
  return r.at;
}

/** One item's state and claim (the check before a commit). */
export function itemClaim(h: DbHandle, jobId: number, imageId: number): { state: ItemState; owner: string | null } | undefined {
  return stmt(h, `SELECT state, owner FROM job_items WHERE job_id = ? AND image_id = ?`).get(jobId, imageId) as
    | { state: ItemState; owner: string | null }
    | undefined;
}

/** Puts every failed item of a job back to pending, without its error. Returns how many. */
export function requeueFailedItems(h: DbHandle, jobId: number, now: number): number {
  return stmt(h, `UPDATE job_items SET state = 'pending', error = NULL, ${CLEAR_CLAIM}, updated_at = ? WHERE job_id = ? AND state = 'failed'`).run(now, jobId)
    .changes;
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

/** What the runner needs of one item's image. */
export function itemImage(h: DbHandle, imageId: number): PendingItemRow | undefined {
  const r = stmt(h, `SELECT id AS imageId, path, width, height, human_touched_at IS NOT NULL AS humanTouched FROM images WHERE id = ?`).get(imageId) as
    | (Omit<PendingItemRow, 'humanTouched'> & { humanTouched: number })
    | undefined;
  return r && { ...r, humanTouched: r.humanTouched === 1 };
}

export function jobStateOf(h: DbHandle, jobId: number): JobState | undefined {
  return (stmt(h, `SELECT state FROM jobs WHERE id = ?`).get(jobId) as { state: JobState } | undefined)?.state;
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

/** Adds one image's dropped-class counts to its job's totals (called inside the image's commit). */
export function addDroppedClasses(h: DbHandle, jobId: number, counts: Record<string, number>): void {
  const add = stmt(
    h,
    `INSERT INTO job_dropped_classes (job_id, class_name, count) VALUES (?, ?, ?)
     ON CONFLICT (job_id, class_name) DO UPDATE SET count = count + excluded.count`,
  );
  for (const [name, n] of Object.entries(counts)) if (n > 0) add.run(jobId, name, n);
}

/** A job's dropped detections per class name (classes that matched no category), by name. */
export function droppedClasses(h: DbHandle, jobId: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of stmt(h, `SELECT class_name AS name, count FROM job_dropped_classes WHERE job_id = ? ORDER BY class_name`).all(jobId) as {
    name: string;
    count: number;
  }[])
    out[r.name] = r.count;
  return out;
}
