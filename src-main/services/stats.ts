import type { AnnotationState, ProjectStats, ReviewStatus } from '../shared/contract';
import type { ProjectDb } from '../db/project-db';

export function projectStats(pdb: ProjectDb): ProjectStats {
  const db = pdb.db;
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const byStatus: Record<ReviewStatus, number> = { unlabeled: 0, prelabeled: 0, in_progress: 0, reviewed: 0 };
  for (const r of db.prepare(`SELECT status, count(*) AS n FROM images GROUP BY status`).all() as { status: ReviewStatus; n: number }[])
    byStatus[r.status] = r.n;
  const annotationsByState: Record<AnnotationState, number> = { pending: 0, accepted: 0, rejected: 0, archived: 0 };
  for (const r of db.prepare(`SELECT state, count(*) AS n FROM annotations GROUP BY state`).all() as { state: AnnotationState; n: number }[])
    annotationsByState[r.state] = r.n;
  const perCategory = db
    .prepare(
      `SELECT c.id, c.name,
              count(a.id) AS annotations,
              count(DISTINCT a.image_id) AS images
       FROM categories c
       LEFT JOIN annotations a ON a.category_id = c.id AND a.state IN ('pending','accepted')
       GROUP BY c.id ORDER BY c.id`,
    )
    .all() as ProjectStats['perCategory'];
  return {
    schemaVersion: pdb.schemaVersion,
    images: count(`SELECT count(*) AS n FROM images`),
    byStatus,
    categories: perCategory.length,
    annotations: annotationsByState.accepted + annotationsByState.pending,
    annotationsByState,
    predictions: count(`SELECT count(*) AS n FROM predictions`),
    runs: count(`SELECT count(*) AS n FROM runs`),
    perCategory,
  };
}
