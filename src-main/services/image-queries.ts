import { basename } from 'node:path';
import { ImageQuery as ImageQuerySchema, type ImageDetail, type ImagePage, type ImageQuery, type ImageSummary } from '../shared/api';
import type { Annotation, ImageRecord, ReviewStatus } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';

/**
 * Read side of the image browser and the editor. Filters and sorts run on the per-image
 * counters of schema 2 (annotation_count, pending_count, top_score, kept by triggers), so
 * a page of 100k images costs one indexed scan and no join over annotations.
 *
 * "Name order" is the order of the full path: images group by folder, then by file name;
 * `name` itself is the file name.
 */
interface SummaryRow {
  id: number;
  path: string;
  width: number;
  height: number;
  status: ReviewStatus;
  annotation_count: number;
  pending_count: number;
  top_score: number | null;
}

export function queryImages(pdb: ProjectDb, raw: ImageQuery): ImagePage {
  const q = ImageQuerySchema.parse(raw);
  const where: string[] = [];
  const args: Record<string, unknown> = {};
  if (q.status && q.status.length) {
    const names = q.status.map((s, i) => {
      args[`s${i}`] = s;
      return `@s${i}`;
    });
    where.push(`i.status IN (${names.join(', ')})`);
  }
  if (q.hasPending !== undefined) where.push(q.hasPending ? `i.pending_count > 0` : `i.pending_count = 0`);
  if (q.minScore !== undefined) {
    where.push(`i.top_score >= @minScore`);
    args.minScore = q.minScore;
  }
  if (q.categoryId !== undefined) {
    where.push(
      `i.id IN (SELECT a.image_id FROM annotations a WHERE a.category_id = @cat AND a.state IN ('pending','accepted'))`,
    );
    args.cat = q.categoryId;
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const order = q.sort === 'uncertainty' ? `ORDER BY ifnull(i.top_score, 2), i.path` : `ORDER BY i.path`;
  const total = (pdb.db.prepare(`SELECT count(*) AS n FROM images i ${w}`).get(args) as { n: number }).n;
  const rows = pdb.db
    .prepare(
      `SELECT i.id, i.path, i.width, i.height, i.status, i.annotation_count, i.pending_count, i.top_score
       FROM images i ${w} ${order} LIMIT @limit OFFSET @offset`,
    )
    .all({ ...args, limit: q.limit, offset: q.offset }) as SummaryRow[];
  return { total, items: rows.map(toSummary) };
}

function toSummary(r: SummaryRow): ImageSummary {
  return {
    id: r.id,
    name: basename(r.path),
    width: r.width,
    height: r.height,
    status: r.status,
    annotations: r.annotation_count,
    pending: r.pending_count,
    topScore: r.top_score,
  };
}

/** An `annotations` row as SELECT ${ANNOTATION_COLUMNS} returns it. */
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
}

export const ANNOTATION_COLUMNS = `id, image_id, category_id, x, y, w, h, rle, area, source, state, prediction_id, score`;

export function toAnnotation(r: AnnotationRow, height: number, width: number): Annotation {
  return {
    id: r.id,
    imageId: r.image_id,
    categoryId: r.category_id,
    bbox: [r.x, r.y, r.w, r.h],
    rle: r.rle === null ? null : { size: [height, width], counts: r.rle },
    area: r.area,
    source: r.source,
    state: r.state,
    predictionId: r.prediction_id,
    score: r.score,
  };
}

const IMAGE_COLUMNS = `id, path, hash, width, height, bytes, status`;

export function imageRecord(pdb: ProjectDb, id: number): ImageRecord {
  const row = pdb.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE id = ?`).get(id) as ImageRecord | undefined;
  if (!row) throw new LwError('NOT_FOUND', `No image with id ${id}`);
  return row;
}

/**
 * The editor's annotations of one image: every state but `archived` (history kept when
 * a job overwrote model output), in id order. Rejected ones are included so that undo and
 * the "show rejected" view work without another call.
 */
export function imageAnnotations(pdb: ProjectDb, img: { id: number; width: number; height: number }): Annotation[] {
  const rows = pdb.db
    .prepare(`SELECT ${ANNOTATION_COLUMNS} FROM annotations WHERE image_id = ? AND state != 'archived' ORDER BY id`)
    .all(img.id) as AnnotationRow[];
  return rows.map((r) => toAnnotation(r, img.height, img.width));
}

export function getImageDetail(pdb: ProjectDb, id: number): ImageDetail {
  const image = imageRecord(pdb, id);
  const prev = pdb.db.prepare(`SELECT id FROM images WHERE path < ? ORDER BY path DESC LIMIT 1`).get(image.path) as { id: number } | undefined;
  const next = pdb.db.prepare(`SELECT id FROM images WHERE path > ? ORDER BY path LIMIT 1`).get(image.path) as { id: number } | undefined;
  return {
    image: { ...image, name: basename(image.path) },
    annotations: imageAnnotations(pdb, image),
    prevId: prev?.id ?? null,
    nextId: next?.id ?? null,
  };
}

/**
 * The next image in name order after `after` that is not reviewed, wrapping around to the
 * start; null when every other image is reviewed.
 */
export function nextUnreviewed(pdb: ProjectDb, after: number): number | null {
  const cur = imageRecord(pdb, after);
  const q = (cmp: string) =>
    pdb.db.prepare(`SELECT id FROM images WHERE path ${cmp} ? AND status != 'reviewed' ORDER BY path LIMIT 1`).get(cur.path) as
      | { id: number }
      | undefined;
  return (q('>') ?? q('<'))?.id ?? null;
}
