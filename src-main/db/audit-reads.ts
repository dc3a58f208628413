/**
 * UNITER audit flags, worked out when read from `audit_scores` (schema 12), the thresholds
 * and the annotations as they are now. The rules live once, in SQL, in `flagsCte`:
 *
 * - a category's score on an image is the rank_logit of its latest row (greatest scored_at,
 *   then greatest run_id);
 * - its threshold is `categories.audit_threshold` when set, else the `auditThreshold` in the
 *   params_json of the run of that latest score (0 when the run has none: sigmoid 0.5);
 * - `missing`: score >= threshold and no annotation of the category on the image counts;
 *   `doubtful`: at least one counts and score < threshold. An annotation counts when it is
 *   pending or accepted (the rule of the per-image `annotation_count`, schema 2);
 * - suspicion: how far past the threshold, in logits (larger is more suspicious).
 *
 * Every read is one set-based statement over a scope of scores (one image, a page of
 * images, one category or all), using the primary key or the by-category index.
 */
import { stmt, type DbHandle } from './statements';

/** Which scores a read covers (one of them, or all scores when empty). */
export interface AuditScope {
  imageId?: number;
  /** A page of images (the grid's): passed as one JSON array. */
  imageIds?: number[];
  categoryId?: number;
}

function scopeSql(s: AuditScope): string {
  if (s.imageId !== undefined) return `s.image_id = @imageId`;
  if (s.imageIds !== undefined) return `s.image_id IN (SELECT value FROM json_each(@imageIds))`;
  if (s.categoryId !== undefined) return `s.category_id = @categoryId`;
  return `1`;
}

/** The same scope over annotations `a`. */
function annotationScopeSql(s: AuditScope): string {
  if (s.imageId !== undefined) return `a.image_id = @imageId`;
  if (s.imageIds !== undefined) return `a.image_id IN (SELECT value FROM json_each(@imageIds))`;
  if (s.categoryId !== undefined) return `a.category_id = @categoryId`;
  return `1`;
}

function scopeArgs(s: AuditScope): Record<string, unknown> {
  if (s.imageId !== undefined) return { imageId: s.imageId };
  if (s.imageIds !== undefined) return { imageIds: JSON.stringify(s.imageIds) };
  if (s.categoryId !== undefined) return { categoryId: s.categoryId };
  return {};
}

/** An annotation `a` that counts: pending or accepted (the rule of the per-image annotation_count, schema 2). */
const COUNTS = `a.state IN ('pending','accepted')`;

/** The pack default of a run: its params_json's auditThreshold, 0 without one. */
const RUN_DEFAULT = `ifnull(json_extract(r.params_json, '$.auditThreshold'), 0)`;

/**
 * The common table expressions `audit_latest` (latest score per image and category),
 * `audit_annotated` (the image–category pairs with an annotation that counts),
 * `audit_flags` (each latest score with its threshold, `kind`, null when not flagged, and
 * `suspicion`) and `audit_images` (per image: missing and doubtful counts, `top` = greatest
 * suspicion of its flags, null when none).
 *
 * Measured on 1M scores (bench/ui-data.bench.ts), this shape costs a fraction of the obvious
 * one: the latest row is picked by one GROUP BY over the primary key's order with max() over
 * (scored_at, run_id) packed in one integer (a window function sorted every group), and the
 * annotated pairs, over everything, are one DISTINCT pass joined in (listing category_id first
 * lets it read the covering index annotations_category_image, 9× faster than the per-image
 * index); over a page, one EXISTS probe per pair (the DISTINCT pass over the page's images
 * cost 5× as much where they carry many annotations). The packing keeps the order while run ids stay below 2^20 (one run per
 * job) and scored_at is in ms (2^41 until 2039, 2^43 until 2248): the product stays under 2^63.
 */
export function flagsCte(scope: AuditScope = {}): string {
  // A few images (a page, the editor's): one probe of the covering index per pair, whatever
  // the number of annotations. Everything, or a category: one DISTINCT pass joined in.
  const perPair = scope.imageId !== undefined || scope.imageIds !== undefined;
  const probe = `EXISTS (SELECT 1 FROM annotations a WHERE a.category_id = s.category_id AND ${COUNTS} AND a.image_id = s.image_id)`;
  const annotated = `ifnull(l.annotated, n.image_id IS NOT NULL)`;
  return `
  audit_runs AS MATERIALIZED (SELECT r.id, ${RUN_DEFAULT} AS t FROM runs r),
  audit_latest AS (
    SELECT s.image_id, s.category_id, s.run_id, s.rank_logit, s.scored_at, max(s.scored_at * 1048576 + s.run_id) AS latest,
           ${perPair ? probe : 'NULL'} AS annotated
    FROM audit_scores s WHERE ${scopeSql(scope)} GROUP BY s.image_id, s.category_id),
  audit_annotated AS (
    SELECT DISTINCT a.category_id, a.image_id FROM annotations a WHERE ${perPair ? '0' : annotationScopeSql(scope)} AND ${COUNTS}),
  audit_flags AS (
    SELECT l.image_id, l.category_id, l.run_id, l.rank_logit, l.scored_at, ifnull(c.audit_threshold, rt.t) AS threshold,
           CASE WHEN NOT ${annotated} AND l.rank_logit >= ifnull(c.audit_threshold, rt.t) THEN 'missing'
                WHEN ${annotated} AND l.rank_logit < ifnull(c.audit_threshold, rt.t) THEN 'doubtful' END AS kind,
           CASE WHEN ${annotated} THEN ifnull(c.audit_threshold, rt.t) - l.rank_logit
                ELSE l.rank_logit - ifnull(c.audit_threshold, rt.t) END AS suspicion
    FROM audit_latest l JOIN categories c ON c.id = l.category_id JOIN audit_runs rt ON rt.id = l.run_id
    LEFT JOIN audit_annotated n ON n.image_id = l.image_id AND n.category_id = l.category_id),
  audit_images AS (
    SELECT image_id, sum(kind = 'missing') AS missing, sum(kind = 'doubtful') AS doubtful,
           max(CASE WHEN kind IS NOT NULL THEN suspicion END) AS top
    FROM audit_flags GROUP BY image_id)`;
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
 * keeps the flags. Most suspicious flag first, then unflagged; ties by path and category id.
 */
export function auditPairs(h: DbHandle, scope: AuditScope, opts: { flaggedOnly: boolean }): AuditPairRow[] {
  return stmt(
    h,
    `WITH ${flagsCte(scope)}
     SELECT f.image_id, i.path AS image_path, f.category_id, c.name AS category_name, f.run_id, r.pack_id, r.pack_sha256,
            f.rank_logit, f.scored_at, f.threshold, f.kind, f.suspicion,
            (SELECT count(*) FROM annotations a
              WHERE a.category_id = f.category_id AND ${COUNTS} AND a.image_id = f.image_id) AS annotations
     FROM audit_flags f JOIN images i ON i.id = f.image_id JOIN categories c ON c.id = f.category_id JOIN runs r ON r.id = f.run_id
     ${opts.flaggedOnly ? 'WHERE f.kind IS NOT NULL' : ''}
     ORDER BY f.kind IS NULL, f.suspicion DESC, i.path, f.category_id`,
  ).all(scopeArgs(scope)) as AuditPairRow[];
}

/** Missing and doubtful flags per image of a page (images without scores are left out). */
export function auditCountsByImage(
  h: DbHandle,
  imageIds: number[],
): Map<number, { missing: number; doubtful: number }> {
  if (!imageIds.length) return new Map();
  const scope = { imageIds };
  const rows = stmt(h, `WITH ${flagsCte(scope)} SELECT image_id, missing, doubtful FROM audit_images`).all(
    scopeArgs(scope),
  ) as {
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
  return stmt(
    h,
    `WITH ${flagsCte(scope)}
     SELECT category_id, count(*) AS scored_images, sum(kind = 'missing') AS missing, sum(kind = 'doubtful') AS doubtful
     FROM audit_flags GROUP BY category_id ORDER BY category_id`,
  ).all(scopeArgs(scope)) as AuditCategoryCounts[];
}

/** Images with at least one score. */
export function countScoredImages(h: DbHandle): number {
  return (stmt(h, `SELECT count(DISTINCT image_id) AS n FROM audit_scores`).get() as { n: number }).n;
}

/**
 * The pack default of each category: the auditThreshold of the run of its most recent score
 * (categories never scored are absent).
 */
export function packDefaultThresholds(h: DbHandle, scope: { categoryId?: number } = {}): Map<number, number> {
  const where = scope.categoryId !== undefined ? `WHERE s.category_id = @categoryId` : '';
  const rows = stmt(
    h,
    `SELECT category_id, ${RUN_DEFAULT} AS threshold FROM (
       SELECT s.category_id, s.run_id,
              row_number() OVER (PARTITION BY s.category_id ORDER BY s.scored_at DESC, s.run_id DESC) AS rn
       FROM audit_scores s ${where}) x
     JOIN runs r ON r.id = x.run_id WHERE x.rn = 1`,
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
