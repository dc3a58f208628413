import type Database from 'better-sqlite3';

/** Images whose stored counters (schema 2) disagree with their annotations. */
export function inconsistentCounters(db: Database.Database): unknown[] {
  return db
    .prepare(
      `SELECT id, annotation_count, pending_count, top_score, real_count, real_pending, real_top FROM (
         SELECT i.id, i.annotation_count, i.pending_count, i.top_score,
           (SELECT count(*) FROM annotations a WHERE a.image_id = i.id AND a.state IN ('pending','accepted')) AS real_count,
           (SELECT count(*) FROM annotations a WHERE a.image_id = i.id AND a.state = 'pending') AS real_pending,
           (SELECT max(score) FROM annotations a WHERE a.image_id = i.id AND a.state IN ('pending','accepted')) AS real_top
         FROM images i)
       WHERE annotation_count != real_count OR pending_count != real_pending OR top_score IS NOT real_top`,
    )
    .all();
}
