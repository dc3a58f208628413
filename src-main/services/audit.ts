/**
 * UNITER's label audit, as people read it: the project's flags (likely missing, doubtful),
 * one image's flags and scores, and the per-category thresholds. The flags are kept up to
 * date in every writing transaction (schema 12's triggers hold the rules; db/audit-reads.ts
 * reads them), so an annotation added or rejected a moment ago already shows in them. The
 * scores are written by the audit job (jobs/).
 */
import { basename } from 'node:path';
import type { AuditCategoryRow, AuditFlag, AuditReport, ImageAudit } from '../shared/api';
import { LwError } from '../shared/errors';
import type { DbHandle } from '../db/statements';
import type { ProjectDb } from '../db/project-db';
import { imageExists } from '../db/images-table';
import {
  auditCountsByCategory,
  auditPairs,
  categoryAuditThresholds,
  countScoredImages,
  latestAuditRunThreshold,
  packDefaultThresholds,
  type AuditPairRow,
} from '../db/audit-reads';
import { setCategoryAuditThreshold } from '../db/audit-table';

/** The threshold of a category never scored, with no audit run in the project and none of its own: sigmoid 0.5. */
const NO_AUDIT_THRESHOLD = 0;

/**
 * Every flag of the project (the first `limit` only, when given), most suspicious first, with
 * each category's threshold and counts.
 */
export function auditReport(h: DbHandle, opts: { limit?: number } = {}): AuditReport {
  return {
    flags: auditPairs(h, {}, { flaggedOnly: true, limit: opts.limit }).map(toFlag),
    categories: categoryRows(h),
    scoredImages: countScoredImages(h),
  };
}

/** One image's flags (most suspicious first) and every category's latest score on it. */
export function imageAudit(h: DbHandle, imageId: number): ImageAudit {
  if (!imageExists(h, imageId))
    throw new LwError(
      'NOT_FOUND',
      `No image with id ${imageId}`,
      'Reload the image list: it may have been removed.',
    );
  const pairs = auditPairs(h, { imageId }, { flaggedOnly: false });
  const byCategory = new Map(pairs.map((p) => [p.category_id, p]));
  return {
    flags: pairs.filter((p) => p.kind !== null).map(toFlag),
    scores: categoryAuditThresholds(h).map((c) => {
      const p = byCategory.get(c.id);
      return {
        categoryId: c.id,
        name: c.name,
        rankLogit: p ? p.rank_logit : null,
        threshold: p ? p.threshold : c.audit_threshold,
      };
    }),
  };
}

/**
 * Sets a category's audit threshold in rank_logit units; null returns it to the pack's
 * default. Flags follow at once (schema 12's triggers give every score of the category its
 * verdict again in this transaction).
 */
export function setAuditThreshold(
  pdb: ProjectDb,
  categoryId: number,
  threshold: number | null,
): AuditCategoryRow {
  if (threshold !== null && !Number.isFinite(threshold))
    throw new LwError(
      'INVALID_ARGUMENT',
      `An audit threshold must be a finite number of logits, not ${threshold}`,
      'Give a number such as 0 or 1.5, or null for the pack default.',
    );
  return pdb.tx(() => {
    if (!setCategoryAuditThreshold(pdb, categoryId, threshold))
      throw new LwError(
        'NOT_FOUND',
        `No category with id ${categoryId}`,
        'Reload the category list: it may have been removed or merged.',
      );
    return categoryRows(pdb, categoryId)[0];
  });
}

/** Each category's threshold (with where it comes from) and audit counts; one category when `only` is given. */
function categoryRows(h: DbHandle, only?: number): AuditCategoryRow[] {
  const scope = only === undefined ? {} : { categoryId: only };
  const counts = new Map(auditCountsByCategory(h, scope).map((c) => [c.category_id, c]));
  const defaults = packDefaultThresholds(h, scope);
  let projectDefault: number | undefined;
  const fallback = () => (projectDefault ??= latestAuditRunThreshold(h) ?? NO_AUDIT_THRESHOLD);
  return categoryAuditThresholds(h)
    .filter((c) => only === undefined || c.id === only)
    .map((c) => {
      const n = counts.get(c.id);
      return {
        categoryId: c.id,
        name: c.name,
        threshold: c.audit_threshold ?? defaults.get(c.id) ?? fallback(),
        thresholdSource: c.audit_threshold !== null ? 'category' : 'pack',
        scoredImages: n?.scored_images ?? 0,
        likelyMissing: n?.missing ?? 0,
        doubtful: n?.doubtful ?? 0,
      };
    });
}

function toFlag(p: AuditPairRow): AuditFlag {
  return {
    imageId: p.image_id,
    imageName: basename(p.image_path),
    categoryId: p.category_id,
    name: p.category_name,
    kind: p.kind!,
    rankLogit: p.rank_logit,
    threshold: p.threshold,
    suspicion: p.suspicion,
    annotations: p.annotations,
    packId: p.pack_id ?? '',
    packSha256: p.pack_sha256 ?? '',
    runId: p.run_id,
    scoredAt: p.scored_at,
  };
}
