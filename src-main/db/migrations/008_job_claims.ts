/**
 * Schema 8: several processes may work on one job. A worker claims an item (one UPDATE of
 * a pending, unclaimed item) with its identity and keeps the claim alive with a heartbeat;
 * only the claim's owner may commit the item. A claimed item stays `pending`: the claim is
 * the owner columns, so a worker that dies or loses its write access leaves nothing
 * half-started, only a claim that others take over (jobs/claims.ts says when).
 *
 * `seq` is the item's rank in path order within its job, fixed when the job is created, so
 * taking "the next item in path order" is one index probe instead of a sort per claim.
 */
export const sql = /* sql */ `
ALTER TABLE job_items ADD COLUMN owner TEXT;           -- the worker's id: host:pid:start
ALTER TABLE job_items ADD COLUMN owner_host TEXT;      -- for the same-host liveness check
ALTER TABLE job_items ADD COLUMN owner_pid INTEGER;
ALTER TABLE job_items ADD COLUMN owner_started TEXT;   -- the process's start (tells a reused pid apart)
ALTER TABLE job_items ADD COLUMN claimed_at INTEGER;
ALTER TABLE job_items ADD COLUMN heartbeat_at INTEGER;
ALTER TABLE job_items ADD COLUMN seq INTEGER;

-- Before claims, 'running' was never written by a live job: such an item's process died.
UPDATE job_items SET state = 'pending' WHERE state = 'running';

UPDATE job_items SET seq = r.rn
FROM (SELECT j.job_id, j.image_id, row_number() OVER (PARTITION BY j.job_id ORDER BY i.path) AS rn
      FROM job_items j JOIN images i ON i.id = j.image_id) AS r
WHERE job_items.job_id = r.job_id AND job_items.image_id = r.image_id;

-- The next unclaimed item of a job, in path order; and a job's claims (heartbeats, reclaim).
CREATE INDEX job_items_unclaimed ON job_items(job_id, seq) WHERE state = 'pending' AND owner IS NULL;
CREATE INDEX job_items_claimed ON job_items(job_id, owner) WHERE owner IS NOT NULL;
`;
