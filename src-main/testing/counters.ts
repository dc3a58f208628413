import type Database from 'better-sqlite3';

/** Images whose stored counters (schemas 2 and 4) disagree with their annotations, recounted naively. */
export function inconsistentCounters(db: Database.Database): unknown[] {
  return db
    .prepare(
      `SELECT id, annotation_count, pending_count, top_score, real_count, real_pending, real_top FROM (
         SELECT i.id, i.annotation_count, i.pending_count, i.top_score,
           (SELECT count(*) FROM annotations a WHERE a.image_id = i.id AND a.state IN ('pending','accepted')) AS real_count,
           (SELECT count(*) FROM annotations a WHERE a.image_id = i.id AND a.state = 'pending') AS real_pending,
           (SELECT max(score) FROM annotations a WHERE a.image_id = i.id AND a.state IN ('pending','accepted')) AS real_top,
           i.uncertainty,
           (SELECT min(abs(a.score - ifnull(c.threshold, 0.5))) FROM annotations a JOIN categories c ON c.id = a.category_id
             WHERE a.image_id = i.id AND a.state = 'pending' AND a.score IS NOT NULL) AS real_uncertainty
         FROM images i)
       WHERE annotation_count != real_count OR pending_count != real_pending OR top_score IS NOT real_top
          OR uncertainty IS NOT real_uncertainty`,
    )
    .all();
}
