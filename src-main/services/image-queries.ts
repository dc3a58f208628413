import { basename } from 'node:path';
import {
  ImageQuery as ImageQuerySchema,
  NavQuery as NavQuerySchema,
  type ImageDetail,
  type ImagePage,
  type ImageQuery,
  type ImageSummary,
  type NavQuery,
} from '../shared/api';
import type { ReviewStatus } from '../shared/contract';
import type { Annotation, ImageRecord } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import { imageAtEnd, imageById, imageExists, imageFileRow, imageStatus, imageNear, imageNeighbours, imagePage, type ImageFilter, type ImageSort, type ImageSummaryRow } from '../db/images-table';
import { auditCountsByImage } from '../db/audit-reads';
import { fileMessage, refreshFileStates } from './image-files';
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
    filterOf(q),
    { sort: q.sort, limit: q.limit, offset: q.offset },
  );
  // One stat per image of the page: a file that went away is marked without being opened.
  const files = refreshFileStates(pdb, rows);
  // The page's audit flags in one read (worked out now, from the annotations as they are).
  const audit = auditCountsByImage(pdb, rows.map((r) => r.id));
  return { total, items: rows.map((r) => toSummary({ ...r, file_state: files.get(r.id) ?? r.file_state }, audit.get(r.id))) };
}

function toSummary(r: ImageSummaryRow, audit: { missing: number; doubtful: number } | undefined): ImageSummary {
  return {
    id: r.id,
    name: basename(r.path),
    width: r.width,
    height: r.height,
    status: r.status,
    annotations: r.annotation_count,
    pending: r.pending_count,
    topScore: r.top_score,
    fileState: r.file_state,
    auditMissing: audit?.missing ?? 0,
    auditDoubtful: audit?.doubtful ?? 0,
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
    iscrowd: r.iscrowd === 1,
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

/**
 * The image with its annotations; prevId/nextId walk the navigation query (the grid's
 * filter and order, default all images by name), as images.query lists them. `file` is the
 * stored verdict of the last file check (images.get runs checkImageFile first).
 */
export function getImageDetail(pdb: ProjectDb, id: number, nav?: NavQuery): ImageDetail {
  const image = imageRecord(pdb, id);
  const { filter, sort, order } = navOf(nav);
  const file = imageFileRow(pdb, id)!;
  const near = order ? orderNeighbours(pdb, id, order) : imageNeighbours(pdb, id, ['before', 'after'], filter, sort);
  return {
    image: { ...image, name: basename(image.path) },
    annotations: imageAnnotations(pdb, image),
    prevId: near.before ?? null,
    nextId: near.after ?? null,
    file: { state: file.file_state, message: fileMessage(file.file_state, image.path) },
  };
}

const NOT_REVIEWED: ReviewStatus[] = ['unlabeled', 'prelabeled', 'in_progress'];

/**
 * The next image after `after` in the navigation query's order that the query keeps and
 * that is not reviewed, wrapping around to the start; null when there is no other.
 */
export function nextUnreviewed(pdb: ProjectDb, after: number, nav?: NavQuery): number | null {
  imageRecord(pdb, after);
  const { filter, sort, order } = navOf(nav);
  if (order) return nextUnreviewedInOrder(pdb, after, order);
  const status = (filter.status ?? NOT_REVIEWED).filter((s) => s !== 'reviewed');
  if (!status.length) return null;
  const f: ImageFilter = { ...filter, status };
  const first = imageNear(pdb, after, 'after', f, sort) ?? imageAtEnd(pdb, 'first', f, sort);
  return first === after ? null : first;
}

function navOf(nav: NavQuery | undefined): { filter: ImageFilter; sort: ImageSort; order?: number[] } {
  const q = NavQuerySchema.parse(nav ?? {});
  return { filter: filterOf(q), sort: q.sort, order: q.order };
}

/**
 * The neighbours of `id` in an explicit order, passing over ids no longer in the project. An
 * image not in the list (opened from elsewhere) has none: the walk is the list's.
 */
function orderNeighbours(pdb: ProjectDb, id: number, order: readonly number[]): { before?: number; after?: number } {
  const at = order.indexOf(id);
  if (at < 0) return {};
  const find = (from: number, step: 1 | -1) => {
    for (let i = from; i >= 0 && i < order.length; i += step) if (order[i] !== id && imageExists(pdb, order[i])) return order[i];
    return undefined;
  };
  return { before: find(at - 1, -1), after: find(at + 1, 1) };
}

/** The first image after `after` in the list (wrapping round) that is not reviewed; null when there is none but `after`. */
function nextUnreviewedInOrder(pdb: ProjectDb, after: number, order: readonly number[]): number | null {
  const at = order.indexOf(after);
  for (let k = 1; k <= order.length; k++) {
    const id = order[(at + k) % order.length];
    if (id !== after && imageExists(pdb, id) && imageStatus(pdb, id) !== 'reviewed') return id;
  }
  return null;
}

/** The filter of a grid query or a navigation query (the same fields). */
function filterOf(q: { status?: ReviewStatus[]; hasPending?: boolean; minScore?: number; categoryId?: number; audit?: ImageFilter['audit'] }): ImageFilter {
  return { status: q.status, hasPending: q.hasPending, minScore: q.minScore, categoryId: q.categoryId, audit: q.audit };
}
