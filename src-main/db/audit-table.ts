/**
 * The `audit_scores` table (schema 12): UNITER's raw `rank_logit` per image, category and
 * audit run. Writes only; schema 12's triggers keep the latest scores and their flags
 * (`audit_latest`, `audit_images`) in the same transaction; `audit-reads.ts` reads them.
 */
import { stmt, type DbHandle } from './statements';

export interface AuditScoreRow {
  imageId: number;
  categoryId: number;
  runId: number;
  rankLogit: number;
  regions: number;
  truncatedPieces: number;
  scoredAt: number;
}

/**
 * Stores scores, replacing a row of the same image, category and run: an image committed
 * again for the same run (a merged shard after a local attempt) keeps one score per category.
 * The caller owns the transaction (the job commit writes the scores with the item's state).
 */
export function insertAuditScores(h: DbHandle, rows: AuditScoreRow[]): void {
  const s = stmt(
    h,
    `INSERT OR REPLACE INTO audit_scores (image_id, category_id, run_id, rank_logit, regions, truncated_pieces, scored_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const r of rows)
    s.run(r.imageId, r.categoryId, r.runId, r.rankLogit, r.regions, r.truncatedPieces, r.scoredAt);
}

/**
 * Sets a category's own audit threshold (rank_logit units; null: back to the pack's
 * default). The column is the audit's (schema 12), so it is written here rather than in
 * categories-table.ts. Returns false when no such category.
 */
export function setCategoryAuditThreshold(
  h: DbHandle,
  categoryId: number,
  threshold: number | null,
): boolean {
  return (
    stmt(h, `UPDATE categories SET audit_threshold = ? WHERE id = ?`).run(threshold, categoryId).changes > 0
  );
}

/**
 * Recounts the annotations that count (pending or accepted) of each scored category on the
 * given images ('all': every image), for the writer that inserts annotations without a
 * trigger (schema 3); the flags follow through schema 12's triggers.
 */
export function refreshAuditCounted(h: DbHandle, imageIds: number[] | 'all'): void {
  const recount = (l: string) => `(SELECT count(*) FROM annotations a
     WHERE a.category_id = ${l}.category_id AND a.state IN ('pending','accepted') AND a.image_id = ${l}.image_id)`;
  if (imageIds === 'all') {
    // Rewrites only the pairs whose count changed: 1M pairs, none changed, 2.7 s instead of 5.2 s.
    stmt(
      h,
      `UPDATE audit_latest SET counted = c.n
       FROM (SELECT l.image_id, l.category_id, ${recount('l')} AS n FROM audit_latest l) AS c
       WHERE c.image_id = audit_latest.image_id AND c.category_id = audit_latest.category_id AND c.n != audit_latest.counted`,
    ).run();
    return;
  }
  const one = stmt(h, `UPDATE audit_latest SET counted = ${recount('audit_latest')} WHERE image_id = ?`);
  for (const id of imageIds) one.run(id);
}
