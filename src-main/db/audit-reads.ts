/**
 * UNITER audit flags, read from what schema 12 keeps up to date in the writing transaction
 * (db/migrations/012_audit_scores.ts holds the rules, once): `audit_latest`, the latest score
 * of each image and category with its threshold, `kind` (likely missing, doubtful, null)
 * and `suspicion`; each image's flag counts and greatest suspicion (`images.audit_*`).
 * An annotation added or rejected, or a threshold set, a moment ago already shows in them.
 */
import { stmt, type DbHandle } from './statements';

/** Which latest scores a read covers (one image, or a category, or all when empty). */
export interface AuditScope {
  imageId?: number;
  categoryId?: number;
}

function scopeSql(s: AuditScope): string {
  if (s.imageId !== undefined) return `f.image_id = @imageId`;
  if (s.categoryId !== undefined) return `f.category_id = @categoryId`;
  return `1`;
}

function scopeArgs(s: AuditScope): Record<string, unknown> {
  if (s.imageId !== undefined) return { imageId: s.imageId };
  if (s.categoryId !== undefined) return { categoryId: s.categoryId };
  return {};
}

export interface AuditPairRow {
  image_id: number;
  image_path: string;
  category_id: number;
  category_name: string;
  run_id: number;
  pack_id: string | null;
  pack_sha256: string | null;
  rank_logit: number;
  scored_at: number;
  threshold: number;
  annotations: number;
  kind: 'missing' | 'doubtful' | null;
  suspicion: number;
}

/**
 * The latest score of every image and category in scope with its verdict; `flaggedOnly`
 * keeps the flags, `limit` the first ones. Most suspicious flag first, then unflagged; ties
 * by path and category id.
 */
export function auditPairs(h: DbHandle, scope: AuditScope, opts: { flaggedOnly: boolean; limit?: number }): AuditPairRow[] {
  if (opts.limit === 0) return [];
  return stmt(
    h,
    `SELECT f.image_id, i.path AS image_path, f.category_id, c.name AS category_name, f.run_id, r.pack_id, r.pack_sha256,
            f.rank_logit, f.scored_at, f.threshold, f.kind, f.suspicion, f.counted AS annotations
     FROM audit_latest f JOIN images i ON i.id = f.image_id JOIN categories c ON c.id = f.category_id JOIN runs r ON r.id = f.run_id
     WHERE ${scopeSql(scope)} ${opts.flaggedOnly ? 'AND f.kind IS NOT NULL' : ''}
     ORDER BY f.kind IS NULL, f.suspicion DESC, i.path, f.category_id
     ${opts.limit !== undefined ? 'LIMIT @limit' : ''}`,
  ).all({ ...scopeArgs(scope), ...(opts.limit !== undefined ? { limit: opts.limit } : {}) }) as AuditPairRow[];
}

/** Missing and doubtful flags per image of a page (images without scores are left out). */
export function auditCountsByImage(
  h: DbHandle,
  imageIds: number[],
): Map<number, { missing: number; doubtful: number }> {
  if (!imageIds.length) return new Map();
  const rows = stmt(
    h,
    `SELECT i.id AS image_id, i.audit_missing AS missing, i.audit_doubtful AS doubtful FROM images i
     WHERE i.id IN (SELECT value FROM json_each(?)) AND EXISTS (SELECT 1 FROM audit_latest l WHERE l.image_id = i.id)`,
  ).all(JSON.stringify(imageIds)) as {
    image_id: number;
    missing: number;
    doubtful: number;
  }[];
  return new Map(rows.map((r) => [r.image_id, { missing: r.missing, doubtful: r.doubtful }]));
}

export interface AuditCategoryCounts {
  category_id: number;
  scored_images: number;
  missing: number;
  doubtful: number;
}

/** Per category with scores (or the one in scope): images scored, likely missing, doubtful. */
export function auditCountsByCategory(
  h: DbHandle,
  scope: { categoryId?: number } = {},
): AuditCategoryCounts[] {
  const where = scope.categoryId !== undefined ? `AND category_id = @categoryId` : '';
  return stmt(
    h,
    `SELECT category_id, scored AS scored_images, missing, doubtful FROM audit_category_counts
     WHERE scored > 0 ${where} ORDER BY category_id`,
  ).all(scopeArgs(scope)) as AuditCategoryCounts[];
}

/** Images with at least one score. */
export function countScoredImages(h: DbHandle): number {
  return (stmt(h, `SELECT count(DISTINCT image_id) AS n FROM audit_latest`).get() as { n: number }).n;
}

/**
 * The pack default of each category: the auditThreshold of the run of its most recent score
 * (categories never scored are absent).
 */
export function packDefaultThresholds(h: DbHandle, scope: { categoryId?: number } = {}): Map<number, number> {
  // The most recent score of a category is the most recent of its latest ones: one seek of
  // the index audit_latest_category per category.
  const where = scope.categoryId !== undefined ? `WHERE c.id = @categoryId` : '';
  const rows = stmt(
    h,
    `SELECT * FROM (SELECT c.id AS category_id,
       (SELECT f.run_threshold FROM audit_latest f WHERE f.category_id = c.id ORDER BY f.scored_at DESC, f.run_id DESC LIMIT 1) AS threshold
     FROM categories c ${where}) WHERE threshold IS NOT NULL`,
  ).all(scope.categoryId !== undefined ? { categoryId: scope.categoryId } : {}) as {
    category_id: number;
    threshold: number;
  }[];
  return new Map(rows.map((r) => [r.category_id, r.threshold]));
}

/** The default of the latest audit run (a run whose params carry an auditThreshold), for categories not scored yet; null: no audit run. */
export function latestAuditRunThreshold(h: DbHandle): number | null {
  const r = stmt(
    h,
    `SELECT json_extract(params_json, '$.auditThreshold') AS t FROM runs
     WHERE json_extract(params_json, '$.auditThreshold') IS NOT NULL ORDER BY id DESC LIMIT 1`,
  ).get() as { t: number } | undefined;
  return r ? r.t : null;
}

/** Every category's own audit threshold (null: the pack's default), in id order. */
export function categoryAuditThresholds(
  h: DbHandle,
): { id: number; name: string; audit_threshold: number | null }[] {
  return stmt(h, `SELECT id, name, audit_threshold FROM categories ORDER BY id`).all() as {
    id: number;
    name: string;
    audit_threshold: number | null;
  }[];
}
