/**
 * The commit of one audit item (a job of mode 'audit', one uniter pack): the image's score
 * for every category of the job goes into `audit_scores` under the job's run, with the item's
 * state, in ONE transaction, so a crash loses at most the image in flight and a resumed,
 * shared or merged audit stores each (image, category) once for the run. Who may commit is
 * commitImage's rule (refusalOf). An audit never touches annotations, predictions or the
 * image's status: it reads people's labels, it does not change them.
 */
import type { ProjectDb } from '../db/project-db';
import { insertAuditScores } from '../db/audit-table';
import { itemClaim, setItemState } from '../db/jobs-table';
import type { PredictionResult } from '../inference/types';
import { refusalOf, type ImageOutcome } from './commit-image';
import type { JobParams } from './job-params';

export function commitAudit(
  pdb: ProjectDb,
  jobId: number,
  params: JobParams,
  image: { imageId: number },
  results: PredictionResult[],
  owner: string | null,
): ImageOutcome {
  const scored = auditScores(params, results);
  return pdb.tx(() => {
    const refusal = refusalOf(itemClaim(pdb, jobId, image.imageId), owner);
    if (refusal) return { state: 'refused', reason: refusal, predictions: 0, annotations: 0 };
    const now = Date.now();
    insertAuditScores(
      pdb,
      scored.scores.map((s) => ({
        imageId: image.imageId,
        categoryId: s.categoryId,
        runId: scored.runId,
        rankLogit: s.rankLogit,
        regions: scored.regions,
        truncatedPieces: s.truncatedPieces,
        scoredAt: now,
      })),
    );
    setItemState(pdb, jobId, image.imageId, 'done', { error: null, attempt: true, now });
    return { state: 'done', predictions: 0, annotations: 0 };
  });
}

/** The one result's scores, checked against the job: exactly one score per category of the job. */
function auditScores(params: JobParams, results: PredictionResult[]) {
  const [pack] = params.packs;
  const [r] = results;
  if (params.packs.length !== 1 || results.length !== 1 || pack.kind !== 'uniter')
    throw new Error(
      `an audit runs one uniter pack; got ${results.length} result(s) for pack(s) ${params.packs.map((p) => `${p.id} (${p.kind})`).join(', ')}`,
    );
  if (!r.scores || r.regions === undefined)
    throw new Error(`${r.packId} returned no audit scores (a ${r.kind} result)`);
  const wanted = new Set(params.categories.map((c) => c.id));
  const seen = new Set<number>();
  for (const s of r.scores) {
    if (!wanted.has(s.categoryId) || seen.has(s.categoryId))
      throw new Error(
        `${r.packId} scored category ${s.categoryId}, which is not one of the job's or came twice`,
      );
    seen.add(s.categoryId);
  }
  if (seen.size !== wanted.size)
    throw new Error(`${r.packId} scored ${seen.size} of the job's ${wanted.size} categories`);
  return { runId: pack.runId, regions: r.regions, scores: r.scores };
}
