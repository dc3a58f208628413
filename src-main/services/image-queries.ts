import { basename } from 'node:path';
import { ImageQuery as ImageQuerySchema, type ImageDetail, type ImagePage, type ImageQuery, type ImageSummary } from '../shared/api';
import type { Annotation, ImageRecord } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import { imageById, imagePage, neighbourIds, unreviewedNear, type ImageSummaryRow } from '../db/images-table';
import { liveAnnotationsOf, type AnnotationRow } from '../db/annotations-table';

/**
 * Read side of the image browser and the editor. Filters and sorts run on the per-image
 * counters of schema 2 (annotation_count, pending_count, top_score, kept by triggers), so
 * a page of 100k images costs one indexed scan and no join over annotations.
 *
 * "Name order" is the order of the full path: images group by folder, then by file name;
 * `name` itself is the file name.
 */
export function queryImages(pdb: ProjectDb, raw: ImageQuery): ImagePage {
  const q = ImageQuerySchema.parse(raw);
  const { total, rows } = imagePage(
    pdb,
    { status: q.status, hasPending: q.hasPending, minScore: q.minScore, categoryId: q.categoryId },
    { sort: q.sort === 'uncertainty' ? 'uncertainty' : 'name', limit: q.limit, offset: q.offset },
  );
  return { total, items: rows.map(toSummary) };
}

function toSummary(r: ImageSummaryRow): ImageSummary {
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

export function imageRecord(pdb: ProjectDb, id: number): ImageRecord {
  const row = imageById(pdb, id);
  if (!row) throw new LwError('NOT_FOUND', `No image with id ${id}`);
  return row;
}

/**
 * The editor's annotations of one image: every state but `archived` (history kept when
 * a job overwrote model output), in id order. Rejected ones are included so that undo and
 * the "show rejected" view work without another call.
 */
export function imageAnnotations(pdb: ProjectDb, img: { id: number; width: number; height: number }): Annotation[] {
  return liveAnnotationsOf(pdb, img.id).map((r) => toAnnotation(r, img.height, img.width));
}

export function getImageDetail(pdb: ProjectDb, id: number): ImageDetail {
  const image = imageRecord(pdb, id);
  const { prev, next } = neighbourIds(pdb, image.path);
  return {
    image: { ...image, name: basename(image.path) },
    annotations: imageAnnotations(pdb, image),
    prevId: prev,
    nextId: next,
  };
}

/**
 * The next image in name order after `after` that is not reviewed, wrapping around to the
 * start; null when every other image is reviewed.
 */
export function nextUnreviewed(pdb: ProjectDb, after: number): number | null {
  const cur = imageRecord(pdb, after);
  return unreviewedNear(pdb, cur.path, 'after') ?? unreviewedNear(pdb, cur.path, 'before');
}
