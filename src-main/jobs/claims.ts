/**
 * How several workers share one job (see db/README.md, "Job claims"): a worker claims one
 * pending item at a time (one UPDATE, so no two workers get the same item), keeps its claims
 * alive with a heartbeat, and commits an item only while it still holds the claim
 * (commit-image.ts). Claims of a worker that died are taken back at once when it ran on this
 * host (its pid is gone or now belongs to a later process), otherwise once its heartbeat is
 * older than the stale limit; a stalled worker's claims go the same way, and its late commit
 * is refused.
 */
import type { ProjectDb } from '../db/project-db';
import * as jobs from '../db/jobs-table';
import { ownerIsGone, type WorkerIdentity } from './worker-identity';

/** How often a worker refreshes the heartbeat of the items it holds. */
export const HEARTBEAT_INTERVAL_MS = 2_000;
/** A claim whose heartbeat is older than this is taken back (15 missed heartbeats: a busy disk or a long GC pause is not a death). */
export const CLAIM_STALE_MS = 30_000;

/** Claims the next item in path order, or returns null when none is left unclaimed. */
export function claimNext(pdb: ProjectDb, jobId: number, worker: WorkerIdentity): jobs.PendingItemRow | null {
  return pdb.tx(() => {
    const imageId = jobs.claimNextItem(pdb, jobId, worker, Date.now());
    return imageId === undefined ? null : (jobs.itemImage(pdb, imageId) ?? null);
  });
}

export function heartbeat(pdb: ProjectDb, jobId: number, worker: WorkerIdentity): number {
  return pdb.tx(() => jobs.touchClaims(pdb, jobId, worker.id, Date.now()));
}

export function releaseMine(pdb: ProjectDb, jobId: number, worker: WorkerIdentity): number {
  return pdb.tx(() => jobs.releaseClaims(pdb, jobId, worker.id));
}

/**
 * Takes back the claims of workers that are gone: stale ones, and at once those of a dead
 * process on this host. Runs inside the caller's transaction. Returns how many items came back.
 */
export function reclaimAbandonedIn(pdb: ProjectDb, jobId: number, self: WorkerIdentity, staleMs: number): number {
  let n = jobs.releaseStaleClaims(pdb, jobId, Date.now() - staleMs);
  for (const h of jobs.claimHolders(pdb, jobId)) if (h.id !== self.id && ownerIsGone(h)) n += jobs.releaseClaims(pdb, jobId, h.id);
  return n;
}

export function reclaimAbandoned(pdb: ProjectDb, jobId: number, self: WorkerIdentity, staleMs = CLAIM_STALE_MS): number {
  return pdb.tx(() => reclaimAbandonedIn(pdb, jobId, self, staleMs));
}

/** How many claims other live workers hold on the job (after reclaimAbandonedIn, every holder left counts as live). */
export function othersClaims(pdb: ProjectDb, jobId: number, self: WorkerIdentity): number {
  return jobs
    .claimHolders(pdb, jobId)
    .filter((h) => h.id !== self.id)
    .reduce((n, h) => n + h.claims, 0);
}

/**
 * Whether a job that reads `running` has no live worker left (they were killed, or their
 * machine went away), by the same rules that take claims back: every claim's owner is gone
 * (heartbeat older than the stale limit, or a dead process on this host). A live worker
 * holds no claim only for a moment (starting, or between a commit and its next claim), so a
 * job nobody holds a claim on counts as stopped once nothing on it changed for the stale
 * limit. Reads only: the claims stay for the next worker to take back.
 */
export function workersStopped(pdb: ProjectDb, jobId: number, staleMs = CLAIM_STALE_MS): boolean {
  const staleBefore = Date.now() - staleMs;
  const holders = jobs.claimHolders(pdb, jobId);
  if (holders.length === 0) return jobs.lastJobActivity(pdb, jobId) < staleBefore;
  return holders.every((h) => h.heartbeatAt < staleBefore || ownerIsGone(h));
}
