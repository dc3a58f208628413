/**
 * The `annotations` table (the working truth) and `predictions` (immutable model output
 * it may link to). All SQL on them lives here. Inserting annotations changes the per-image
 * counters; the writer brings them up to date (see refreshImageCounters).
 */
import type { Annotation, AnnotationSource, AnnotationState, Bbox, ProjectStats } from '../shared/contract';
import { refreshImageCounters } from './images-table';
import { stmt, streaming, type DbHandle } from './statements';

/** An `annotations` row as the reads here return it. */
export interface AnnotationRow {
  id: number;
  image_id: number;
  category_id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  rle: string | null;
  area: number;
  source: Annotation['source'];
  state: Annotation['state'];
  prediction_id: number | null;
  score: number | null;
  /** COCO iscrowd, 0 or 1 (schema 10). */
  iscrowd: number;
}

const ANNOTATION_COLUMNS = `id, image_id, category_id, x, y, w, h, rle, area, source, state, prediction_id, score, iscrowd`;

export interface NewAnnotation {
  imageId: number;
  categoryId: number;
  bbox: Bbox;
  /** COCO compressed RLE counts at the image's size, or null for a box only. */
  rle: string | null;
  area: number;
  source: AnnotationSource;
  state: AnnotationState;
  predictionId?: number | null;
  score?: number | null;
  /** Only when undo restores a deleted annotation under its old id. */
  id?: number;
  /** COCO iscrowd (false when absent). */
  iscrowd?: boolean;
}

export interface AnnotationWriter {
  insert(a: NewAnnotation): number;
  /** Brings the touched images' counters up to date; call before the transaction ends. */
  finish(): void;
}

/**
 * The one way annotations are inserted. It binds a prepared statement and remembers the
 * images it touched, so that bulk paths (import, jobs, benches) insert millions of rows
 * without a per-row counter update and fix the counters once in `finish()`.
 */
export function annotationWriter(h: DbHandle): AnnotationWriter {
  const insert = stmt(
    h,
    `INSERT INTO annotations (id, image_id, category_id, x, y, w, h, rle, area, source, state, prediction_id, score, iscrowd, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const touched = new Set<number>();
  const now = Date.now();
  return {
    insert(a) {
      touched.add(a.imageId);
      const info = insert.run(
        a.id ?? null, a.imageId, a.categoryId, a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3], a.rle, a.area,
        a.source, a.state, a.predictionId ?? null, a.score ?? null, a.iscrowd ? 1 : 0, now, now,
      );
      return Number(info.lastInsertRowid);
    },
    finish() {
      refreshImageCounters(h, touched);
      touched.clear();
    },
  };
}

export function annotationById(h: DbHandle, id: number): AnnotationRow | undefined {
  return stmt(h, `SELECT ${ANNOTATION_COLUMNS} FROM annotations WHERE id = ?`).get(id) as AnnotationRow | undefined;
}

/** One image's annotations in every state but `archived`, in id order. */
export function liveAnnotationsOf(h: DbHandle, imageId: number): AnnotationRow[] {
  return stmt(h, `SELECT ${ANNOTATION_COLUMNS} FROM annotations WHERE image_id = ? AND state != 'archived' ORDER BY id`).all(imageId) as AnnotationRow[];
}

/** Rewrites the editable fields of one annotation (it does not touch the image's counters: the caller refreshes them). */
export function updateAnnotationRow(
  h: DbHandle,
  a: { id: number; categoryId: number; bbox: Bbox; rle: string | null; area: number; source: AnnotationSource; state: AnnotationState; iscrowd: boolean },
  now: number,
): void {
  stmt(
    h,
    `UPDATE annotations SET category_id = @category_id, x = @x, y = @y, w = @w, h = @h, rle = @rle, area = @area,
       source = @source, state = @state, iscrowd = @iscrowd, updated_at = @now WHERE id = @id`,
  ).run({ id: a.id, category_id: a.categoryId, x: a.bbox[0], y: a.bbox[1], w: a.bbox[2], h: a.bbox[3], rle: a.rle, area: a.area, source: a.source, state: a.state, iscrowd: a.iscrowd ? 1 : 0, now });
}

/** Deletes an annotation through the edit API, leaving a tombstone so that undo may restore it under its id. */
export function deleteAnnotation(h: DbHandle, id: number, imageId: number, now: number): void {
  stmt(h, `DELETE FROM annotations WHERE id = ?`).run(id);
  stmt(h, `INSERT OR REPLACE INTO deleted_annotations (id, image_id, deleted_at) VALUES (?, ?, ?)`).run(id, imageId, now);
}

/** Whether `id` names an annotation deleted on this image that may be restored under it; consumes the tombstone. */
export function takeDeletedId(h: DbHandle, id: number, imageId: number): boolean {
  return stmt(h, `DELETE FROM deleted_annotations WHERE id = ? AND image_id = ?`).run(id, imageId).changes === 1;
}

/** How many pending predictions an image holds. */
export function countPendingOn(h: DbHandle, imageId: number): number {
  return (stmt(h, `SELECT count(*) AS n FROM annotations WHERE image_id = ? AND state = 'pending'`).get(imageId) as { n: number }).n;
}

/**
 * Decides every pending prediction of an image at once (accept all / reject all when it is
 * marked reviewed); the source stays as it is, deciding is not editing. Returns how many.
 */
export function decidePendingOn(h: DbHandle, imageId: number, state: 'accepted' | 'rejected', now: number): number {
  return stmt(h, `UPDATE annotations SET state = ?, updated_at = ? WHERE image_id = ? AND state = 'pending'`).run(state, now, imageId).changes;
}

/** Images marked reviewed that still hold pending predictions (projects from before review meant decided). */
export function reviewedWithPending(h: DbHandle): { images: number; pending: number } {
  return stmt(
    h,
    `SELECT count(DISTINCT a.image_id) AS images, count(*) AS pending
     FROM annotations a JOIN images i ON i.id = a.image_id AND i.status = 'reviewed'
     WHERE a.state = 'pending'`,
  ).get() as { images: number; pending: number };
}

/**
 * Archives an image's working annotations before a job applies new model output:
 * the pending ones, or with `includeHuman` also the accepted and rejected ones.
 */
export function archiveWorkingAnnotations(h: DbHandle, imageId: number, includeHuman: boolean, now: number): void {
  const replace = includeHuman ? `state IN ('pending','accepted','rejected')` : `state = 'pending'`;
  stmt(h, `UPDATE annotations SET state = 'archived', updated_at = ? WHERE image_id = ? AND ${replace}`).run(now, imageId);
}

export function countAnnotationsInCategory(h: DbHandle, categoryId: number): number {
  return (stmt(h, `SELECT count(*) AS n FROM annotations WHERE category_id = ?`).get(categoryId) as { n: number }).n;
}

/** Moves every annotation of one category to another (a move, not a correction: sources stay). Returns how many moved. */
export function moveAnnotationsToCategory(h: DbHandle, fromId: number, intoId: number, now: number): number {
  return stmt(h, `UPDATE annotations SET category_id = ?, updated_at = ? WHERE category_id = ?`).run(intoId, now, fromId).changes;
}

/** Pending and accepted annotations per category, with the number of images they are on. */
export function liveCountsByCategory(h: DbHandle): { id: number; annotations: number; images: number }[] {
  return stmt(
    h,
    `SELECT category_id AS id, count(*) AS annotations, count(DISTINCT image_id) AS images
     FROM annotations WHERE state IN ('pending','accepted') GROUP BY category_id`,
  ).all() as { id: number; annotations: number; images: number }[];
}

/** Every category (id order) with its pending and accepted annotations and their images. */
export function perCategoryCounts(h: DbHandle): ProjectStats['perCategory'] {
  return stmt(
    h,
    `SELECT c.id, c.name,
            count(a.id) AS annotations,
            count(DISTINCT a.image_id) AS images
     FROM categories c
     LEFT JOIN annotations a ON a.category_id = c.id AND a.state IN ('pending','accepted')
     GROUP BY c.id ORDER BY c.id`,
  ).all() as ProjectStats['perCategory'];
}

export function annotationCountsByState(h: DbHandle): { state: AnnotationState; n: number }[] {
  return stmt(h, `SELECT state, count(*) AS n FROM annotations GROUP BY state`).all() as { state: AnnotationState; n: number }[];
}

/** An annotation that did not come from a person, next to the prediction it came from (null fields when that row is gone). */
export interface CorrectionSourceRow {
  category_id: number;
  source: 'human' | 'model' | 'model-edited';
  state: 'pending' | 'accepted' | 'rejected';
  x: number;
  y: number;
  w: number;
  h: number;
  px: number | null;
  py: number | null;
  pw: number | null;
  ph: number | null;
  /** The pack whose run made the prediction (null for a person's, or when the prediction row is gone). */
  pack_id: string | null;
}

/**
 * Every annotation but archived ones, streamed, under the category the correction report
 * counts it in: a person's under its own, model output under its prediction's (what the
 * model said) or its own when the prediction is gone.
 */
export function iterateCorrectionRows(h: DbHandle): IterableIterator<CorrectionSourceRow> {
  return streaming(
    h,
    `SELECT CASE WHEN a.source = 'human' THEN a.category_id ELSE ifnull(p.category_id, a.category_id) END AS category_id,
            a.source, a.state, a.x, a.y, a.w, a.h, p.x AS px, p.y AS py, p.w AS pw, p.h AS ph, r.pack_id
     FROM annotations a LEFT JOIN predictions p ON p.id = a.prediction_id LEFT JOIN runs r ON r.id = p.run_id
     WHERE a.state != 'archived'`,
  ).iterate() as IterableIterator<CorrectionSourceRow>;
}

// ---- exports: the same filters for the preview count and the COCO writer ----

export interface ExportFilter {
  reviewedOnly: boolean;
  /** Annotation states exported: accepted only, or accepted and pending. */
  includePending: boolean;
}

/** An annotation or prediction as the COCO writer reads it, with its image's size. */
export interface ExportRow {
  image_id: number;
  category_id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  rle: string | null;
  area: number;
  score: number | null;
  /** COCO iscrowd, 0 or 1 (predictions: 0). */
  iscrowd: number;
  ih: number;
  iw: number;
}

const states = (f: ExportFilter) => (f.includePending ? `('accepted','pending')` : `('accepted')`);
const reviewedJoin = (f: { reviewedOnly: boolean }, alias: string) =>
  `JOIN images i ON i.id = ${alias}.image_id ${f.reviewedOnly ? `AND i.status = 'reviewed'` : ''}`;

export function countExportAnnotations(h: DbHandle, f: ExportFilter): number {
  return (stmt(h, `SELECT count(*) AS n FROM annotations a ${reviewedJoin(f, 'a')} WHERE a.state IN ${states(f)}`).get() as { n: number }).n;
}

/** Exported annotations in image, then id order, streamed. */
export function iterateExportAnnotations(h: DbHandle, f: ExportFilter): IterableIterator<ExportRow> {
  return streaming(
    h,
    `SELECT a.image_id, a.category_id, a.x, a.y, a.w, a.h, a.rle, a.area, a.score, a.iscrowd, i.height AS ih, i.width AS iw
     FROM annotations a ${reviewedJoin(f, 'a')}
     WHERE a.state IN ${states(f)} ORDER BY a.image_id, a.id`,
  ).iterate() as IterableIterator<ExportRow>;
}

// ---- predictions ----

export interface NewPrediction {
  runId: number;
  imageId: number;
  categoryId: number;
  bbox: Bbox;
  rle: string | null;
  area: number;
  score: number;
  phrase: string;
}

export function insertPrediction(h: DbHandle, p: NewPrediction, now: number): number {
  const info = stmt(
    h,
    `INSERT INTO predictions (run_id, image_id, category_id, x, y, w, h, rle, area, score, phrase, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(p.runId, p.imageId, p.categoryId, ...p.bbox, p.rle, p.area, p.score, p.phrase, now);
  return Number(info.lastInsertRowid);
}

export function predictionImageId(h: DbHandle, id: number): number | undefined {
  return (stmt(h, `SELECT image_id FROM predictions WHERE id = ?`).get(id) as { image_id: number } | undefined)?.image_id;
}

/**
 * Re-points the predictions of a merged category to the surviving one, keeping their
 * original category in `merged_from` (the only change the predictions_immutable trigger allows).
 */
export function repointPredictions(h: DbHandle, fromId: number, intoId: number): void {
  stmt(h, `UPDATE predictions SET category_id = ?, merged_from = ifnull(merged_from, category_id) WHERE category_id = ?`).run(intoId, fromId);
}

export function countPredictions(h: DbHandle): number {
  return (stmt(h, `SELECT count(*) AS n FROM predictions`).get() as { n: number }).n;
}

/** What a results export holds: predictions, and the images and categories they touch. */
export function exportPredictionCounts(h: DbHandle, f: { reviewedOnly: boolean }): { annotations: number; images: number; categories: number } {
  return stmt(
    h,
    `SELECT count(*) AS annotations, count(DISTINCT p.image_id) AS images, count(DISTINCT p.category_id) AS categories
     FROM predictions p ${reviewedJoin(f, 'p')}`,
  ).get() as { annotations: number; images: number; categories: number };
}

export function countExportPredictions(h: DbHandle, f: { reviewedOnly: boolean }): number {
  return (stmt(h, `SELECT count(*) AS n FROM predictions p ${reviewedJoin(f, 'p')}`).get() as { n: number }).n;
}

/** Exported predictions in image, then id order, streamed. */
export function iterateExportPredictions(h: DbHandle, f: { reviewedOnly: boolean }): IterableIterator<ExportRow> {
  return streaming(
    h,
    `SELECT p.image_id, p.category_id, p.x, p.y, p.w, p.h, p.rle, p.area, p.score, 0 AS iscrowd, i.height AS ih, i.width AS iw
     FROM predictions p ${reviewedJoin(f, 'p')} ORDER BY p.image_id, p.id`,
  ).iterate() as IterableIterator<ExportRow>;
}
