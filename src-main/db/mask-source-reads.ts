/**
 * Reads for the mask-source report (services/mask-source-report.ts): which job made each
 * annotation's prediction, and the model mask it started from. Runs are tied to their job
 * and pack kind through the job's params_json (`packs[].runId`, `packs[].kind`); the runs
 * table itself records no kind.
 */
import type { AnnotationSource, AnnotationState } from '../shared/contract';
import { stmt, streaming, type DbHandle } from './statements';

export interface MaskSourceSourceRow {
  source: AnnotationSource;
  state: Exclude<AnnotationState, 'archived'>;
  /** The annotation now: its mask (compressed RLE counts) and box. */
  rle: string | null;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Its image's size. */
  width: number;
  height: number;
  /** The prediction's category (what the model said; after a merge, the surviving one). */
  category_id: number;
  /** The prediction's mask (a SAM mask) or null (a detector's box), and its box. */
  prediction_rle: string | null;
  px: number;
  py: number;
  pw: number;
  ph: number;
  /** The kind of the pack whose run made the prediction: 'sam', or a detector's. */
  run_kind: 'sam' | 'glip' | 'pix2seq';
  job_id: number;
  /**
   * For a detector's box: the GroupViT class mask of the same job, image and original
   * category (the one the commit cut to the box, when the job fused); null otherwise.
   */
  class_rle: string | null;
}

const JOB_RUNS = `job_runs AS MATERIALIZED (
  SELECT j.id AS job_id, json_extract(pk.value, '$.runId') AS run_id, json_extract(pk.value, '$.kind') AS kind
  FROM jobs j, json_each(j.params_json, '$.packs') pk)`;

/**
 * Model output that may carry an instance mask, streamed: annotations (not archived, not a
 * person's) whose prediction is a SAM mask, or a detector's box. A commit keeps the last
 * class mask of a category, so the last one is read here too.
 */
export function iterateMaskSourceRows(h: DbHandle): IterableIterator<MaskSourceSourceRow> {
  return streaming(
    h,
    `WITH ${JOB_RUNS}
     SELECT a.source, a.state, a.rle, a.x, a.y, a.w, a.h, i.width, i.height,
            p.category_id, p.rle AS prediction_rle, p.x AS px, p.y AS py, p.w AS pw, p.h AS ph,
            jr.kind AS run_kind, jr.job_id,
            CASE WHEN jr.kind != 'sam' THEN (
              SELECT g.rle FROM predictions g JOIN job_runs gr ON gr.run_id = g.run_id
              WHERE gr.job_id = jr.job_id AND gr.kind = 'groupvit' AND g.image_id = p.image_id AND g.rle IS NOT NULL
                AND ifnull(g.merged_from, g.category_id) = ifnull(p.merged_from, p.category_id)
              ORDER BY g.id DESC LIMIT 1) END AS class_rle
     FROM annotations a
     JOIN predictions p ON p.id = a.prediction_id
     JOIN job_runs jr ON jr.run_id = p.run_id
     JOIN images i ON i.id = a.image_id
     WHERE a.state != 'archived' AND a.source != 'human'
       AND (jr.kind = 'sam' OR (jr.kind IN ('glip', 'pix2seq') AND p.rle IS NULL))`,
  ).iterate() as IterableIterator<MaskSourceSourceRow>;
}

/** Every job's recorded parameters (JSON text), for the mask source each job chose. */
export function jobParamsTexts(h: DbHandle): { id: number; params_json: string }[] {
  return stmt(h, `SELECT id, params_json FROM jobs`).all() as { id: number; params_json: string }[];
}
