/**
 * The `images` table: one row per image file (path, content hash, size, review status)
 * with the per-image counters of schema 2 (annotation_count, pending_count, top_score).
 * All SQL on `images` lives here.
 */
import type { ImageRecord, ReviewStatus } from '../shared/contract';
import { stmt, streaming, type DbHandle } from './statements';

const IMAGE_COLUMNS = `id, path, hash, width, height, bytes, status`;

export interface NewImage {
  path: string;
  hash: string;
  width: number;
  height: number;
  bytes: number;
  format: string;
  orientation: number;
}

export function imageById(h: DbHandle, id: number): ImageRecord | undefined {
  return stmt(h, `SELECT ${IMAGE_COLUMNS} FROM images WHERE id = ?`).get(id) as ImageRecord | undefined;
}

export function imageByHash(h: DbHandle, hash: string): { id: number; path: string } | undefined {
  return stmt(h, `SELECT id, path FROM images WHERE hash = ?`).get(hash) as { id: number; path: string } | undefined;
}

/** The file behind an image id: what the image routes may serve. */
export function imageFile(h: DbHandle, id: number): { path: string; hash: string } | undefined {
  return stmt(h, `SELECT path, hash FROM images WHERE id = ?`).get(id) as { path: string; hash: string } | undefined;
}

export function imageExists(h: DbHandle, id: number): boolean {
  return stmt(h, `SELECT 1 FROM images WHERE id = ?`).get(id) !== undefined;
}

export function listImages(h: DbHandle, opts: { status?: ReviewStatus; limit?: number; offset?: number } = {}): ImageRecord[] {
  const where = opts.status ? `WHERE status = @status` : '';
  return stmt(h, `SELECT ${IMAGE_COLUMNS} FROM images ${where} ORDER BY path LIMIT @limit OFFSET @offset`).all({
    status: opts.status,
    limit: opts.limit ?? -1,
    offset: opts.offset ?? 0,
  }) as ImageRecord[];
}

/** Adds an image; `status` and `humanTouchedAt` default to a fresh, untouched image. */
export function insertImage(h: DbHandle, img: NewImage, now: number, opts: { status?: ReviewStatus; humanTouchedAt?: number | null } = {}): number {
  const info = stmt(
    h,
    `INSERT INTO images (path, hash, width, height, bytes, format, orientation, status, human_touched_at, added_at, updated_at)
     VALUES (@path, @hash, @width, @height, @bytes, @format, @orientation, @status, @touched, @now, @now)`,
  ).run({
    path: img.path,
    hash: img.hash,
    width: img.width,
    height: img.height,
    bytes: img.bytes,
    format: img.format,
    orientation: img.orientation,
    status: opts.status ?? 'unlabeled',
    touched: opts.humanTouchedAt ?? null,
    now,
  });
  return Number(info.lastInsertRowid);
}

export function relocateImage(h: DbHandle, id: number, path: string, now: number): void {
  stmt(h, `UPDATE images SET path = ?, updated_at = ? WHERE id = ?`).run(path, now, id);
}

/** Sets the review status; a person's status (in progress, reviewed) marks the image human-touched. Returns false when no such image. */
export function setImageStatus(h: DbHandle, id: number, status: ReviewStatus, now: number): boolean {
  const r = stmt(
    h,
    `UPDATE images SET status = ?, updated_at = ?,
       human_touched_at = CASE WHEN ? IN ('in_progress','reviewed') THEN ? ELSE human_touched_at END
     WHERE id = ?`,
  ).run(status, now, status, now, id);
  return r.changes > 0;
}

export function imageStatus(h: DbHandle, id: number): ReviewStatus {
  return (stmt(h, `SELECT status FROM images WHERE id = ?`).get(id) as { status: ReviewStatus }).status;
}

/** A person edited the image: bulk jobs leave it alone, and it leaves `unlabeled`/`prelabeled` for `in_progress`. */
export function markImageEdited(h: DbHandle, id: number, now: number): void {
  stmt(
    h,
    `UPDATE images SET human_touched_at = @now, updated_at = @now,
       status = CASE WHEN status IN ('unlabeled','prelabeled') THEN 'in_progress' ELSE status END
     WHERE id = @id`,
  ).run({ now, id });
}

/** Annotations imported for an existing image are human work: it is in progress unless already reviewed. */
export function markImageImported(h: DbHandle, id: number, now: number): void {
  stmt(
    h,
    `UPDATE images SET status = CASE WHEN status = 'reviewed' THEN status ELSE 'in_progress' END, human_touched_at = ?, updated_at = ? WHERE id = ?`,
  ).run(now, now, id);
}

export function humanTouchedAt(h: DbHandle, id: number): number | null {
  return (stmt(h, `SELECT human_touched_at FROM images WHERE id = ?`).get(id) as { human_touched_at: number | null }).human_touched_at;
}

/** A job applied model output: the image is pre-labeled and no longer counts as touched by a person. */
export function markImagePrelabeled(h: DbHandle, id: number, now: number): void {
  stmt(h, `UPDATE images SET status = 'prelabeled', human_touched_at = NULL, updated_at = ? WHERE id = ?`).run(now, id);
}

const RECOMPUTE = `
  annotation_count = (SELECT count(*) FROM annotations a WHERE a.image_id = images.id AND a.state IN ('pending','accepted')),
  pending_count    = (SELECT count(*) FROM annotations a WHERE a.image_id = images.id AND a.state = 'pending'),
  top_score        = (SELECT max(a.score) FROM annotations a WHERE a.image_id = images.id AND a.state IN ('pending','accepted'))`;

/**
 * Recomputes the per-image counters (schema 2) of the given images from their
 * annotations. Call it inside the transaction that inserted annotations; beyond a few
 * thousand images one pass over the whole table is cheaper than one statement per image.
 */
export function refreshImageCounters(h: DbHandle, imageIds: Iterable<number>): void {
  const ids = [...new Set(imageIds)];
  if (!ids.length) return;
  if (ids.length > 5000) {
    h.db.exec(`UPDATE images SET ${RECOMPUTE}`);
    return;
  }
  const one = stmt(h, `UPDATE images SET ${RECOMPUTE} WHERE id = ?`);
  for (const id of ids) one.run(id);
}

// ---- the image browser (reads the counters, never joins annotations for a page) ----

export interface ImageFilter {
  status?: ReviewStatus[];
  hasPending?: boolean;
  minScore?: number;
  /** Images with a pending or accepted annotation of this category. */
  categoryId?: number;
}

export interface ImageSummaryRow {
  id: number;
  path: string;
  width: number;
  height: number;
  status: ReviewStatus;
  annotation_count: number;
  pending_count: number;
  top_score: number | null;
}

/** One page of images under a filter, in name order or by uncertainty (lowest top score first), with the total count. */
export function imagePage(
  h: DbHandle,
  f: ImageFilter,
  page: { sort: 'name' | 'uncertainty'; limit: number; offset: number },
): { total: number; rows: ImageSummaryRow[] } {
  const where: string[] = [];
  const args: Record<string, unknown> = {};
  if (f.status && f.status.length) {
    const names = f.status.map((s, i) => {
      args[`s${i}`] = s;
      return `@s${i}`;
    });
    where.push(`i.status IN (${names.join(', ')})`);
  }
  if (f.hasPending !== undefined) where.push(f.hasPending ? `i.pending_count > 0` : `i.pending_count = 0`);
  if (f.minScore !== undefined) {
    where.push(`i.top_score >= @minScore`);
    args.minScore = f.minScore;
  }
  if (f.categoryId !== undefined) {
    where.push(`i.id IN (SELECT a.image_id FROM annotations a WHERE a.category_id = @cat AND a.state IN ('pending','accepted'))`);
    args.cat = f.categoryId;
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const order = page.sort === 'uncertainty' ? `ORDER BY ifnull(i.top_score, 2), i.path` : `ORDER BY i.path`;
  const total = (stmt(h, `SELECT count(*) AS n FROM images i ${w}`).get(args) as { n: number }).n;
  const rows = stmt(
    h,
    `SELECT i.id, i.path, i.width, i.height, i.status, i.annotation_count, i.pending_count, i.top_score
     FROM images i ${w} ${order} LIMIT @limit OFFSET @offset`,
  ).all({ ...args, limit: page.limit, offset: page.offset }) as ImageSummaryRow[];
  return { total, rows };
}

/** The images before and after `path` in name order. */
export function neighbourIds(h: DbHandle, path: string): { prev: number | null; next: number | null } {
  const prev = stmt(h, `SELECT id FROM images WHERE path < ? ORDER BY path DESC LIMIT 1`).get(path) as { id: number } | undefined;
  const next = stmt(h, `SELECT id FROM images WHERE path > ? ORDER BY path LIMIT 1`).get(path) as { id: number } | undefined;
  return { prev: prev?.id ?? null, next: next?.id ?? null };
}

/** The first image that is not reviewed after `path` in name order (`after`), or before it (`before`). */
export function unreviewedNear(h: DbHandle, path: string, side: 'after' | 'before'): number | null {
  const cmp = side === 'after' ? '>' : '<';
  const r = stmt(h, `SELECT id FROM images WHERE path ${cmp} ? AND status != 'reviewed' ORDER BY path LIMIT 1`).get(path) as { id: number } | undefined;
  return r?.id ?? null;
}

/** Ids and paths of every image, or of the unlabeled ones, in path order. */
export function imagePaths(h: DbHandle, opts: { unlabeledOnly?: boolean } = {}): { id: number; path: string }[] {
  const where = opts.unlabeledOnly ? `WHERE status = 'unlabeled'` : '';
  return stmt(h, `SELECT id, path FROM images ${where} ORDER BY path`).all() as { id: number; path: string }[];
}

// ---- counts and streaming reads (stats, export preview, COCO export) ----

export function imageCountsByStatus(h: DbHandle): { status: ReviewStatus; n: number }[] {
  return stmt(h, `SELECT status, count(*) AS n FROM images GROUP BY status`).all() as { status: ReviewStatus; n: number }[];
}

export function countImages(h: DbHandle, opts: { reviewedOnly?: boolean } = {}): number {
  return (stmt(h, `SELECT count(*) AS n FROM images ${opts.reviewedOnly ? `WHERE status = 'reviewed'` : ''}`).get() as { n: number }).n;
}

/** Every image (or every reviewed one) in id order, streamed. */
export function iterateImages(h: DbHandle, opts: { reviewedOnly?: boolean } = {}): IterableIterator<{ id: number; path: string; width: number; height: number }> {
  return streaming(h, `SELECT id, path, width, height FROM images ${opts.reviewedOnly ? `WHERE status = 'reviewed'` : ''} ORDER BY id`).iterate() as IterableIterator<{
    id: number;
    path: string;
    width: number;
    height: number;
  }>;
}

/** The paths of every image (or every reviewed one), streamed, in no particular order. */
export function iterateImagePaths(h: DbHandle, opts: { reviewedOnly?: boolean } = {}): IterableIterator<{ path: string }> {
  return streaming(h, `SELECT path FROM images ${opts.reviewedOnly ? `WHERE status = 'reviewed'` : ''}`).iterate() as IterableIterator<{ path: string }>;
}
