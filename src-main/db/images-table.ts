/**
 * The `images` table: one row per image file (path, content hash, size, review status)
 * with the per-image counters of schema 2 (annotation_count, pending_count, top_score),
 * and schema 4's file state and uncertainty.
 * All SQL on `images` lives here.
 */
import type { ImageRecord, ReviewStatus } from '../shared/contract';
import type { FileState } from '../shared/api';
import { stmt, streaming, type DbHandle } from './statements';
import { refreshAuditCounted } from './audit-table';

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

export function imageByPath(h: DbHandle, path: string): { id: number; hash: string; width: number; height: number } | undefined {
  return stmt(h, `SELECT id, hash, width, height FROM images WHERE path = ?`).get(path) as { id: number; hash: string; width: number; height: number } | undefined;
}

/**
 * Takes a file's new content for an existing image (`add --update-changed`): hash, size,
 * format and orientation, with the file check reset. `review` puts the image back in
 * progress (its annotations were drawn on a picture of another size).
 */
export function updateImageContent(h: DbHandle, id: number, img: NewImage, now: number, review: boolean): void {
  stmt(
    h,
    `UPDATE images SET hash = @hash, width = @width, height = @height, bytes = @bytes, format = @format, orientation = @orientation,
       file_state = 'ok', file_mtime = NULL, updated_at = @now,
       status = CASE WHEN @review THEN 'in_progress' ELSE status END
     WHERE id = @id`,
  ).run({ id, hash: img.hash, width: img.width, height: img.height, bytes: img.bytes, format: img.format, orientation: img.orientation, now, review: review ? 1 : 0 });
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

/** The score threshold of a category without its own (DEFAULT_THRESHOLD in inference/glip/postprocess.ts; schema 4 has it too). */
const DEFAULT_THRESHOLD_SQL = '0.5';

const RECOMPUTE = `
  annotation_count = (SELECT count(*) FROM annotations a WHERE a.image_id = images.id AND a.state IN ('pending','accepted')),
  pending_count    = (SELECT count(*) FROM annotations a WHERE a.image_id = images.id AND a.state = 'pending'),
  top_score        = (SELECT max(a.score) FROM annotations a WHERE a.image_id = images.id AND a.state IN ('pending','accepted')),
  uncertainty      = (SELECT min(abs(a.score - ifnull(c.threshold, ${DEFAULT_THRESHOLD_SQL}))) FROM annotations a JOIN categories c ON c.id = a.category_id
                      WHERE a.image_id = images.id AND a.state = 'pending' AND a.score IS NOT NULL)`;

/**
 * Recomputes the per-image counters (schema 2) of the given images from their
 * annotations. Call it inside the transaction that inserted annotations; beyond a few
 * thousand images one pass over the whole table is cheaper than one statement per image.
 */
export function refreshImageCounters(h: DbHandle, imageIds: Iterable<number>): void {
  const ids = [...new Set(imageIds)];
  if (!ids.length) return;
  // The audit's per-pair annotation counts (schema 12) follow inserts the same way.
  refreshAuditCounted(h, ids.length > 5000 ? 'all' : ids);
  if (ids.length > 5000) {
    // One grouped pass over the annotations instead of four correlated look-ups per image:
    // the counters of a 1M-annotation project refresh in one scan.
    h.db.exec(`UPDATE images SET annotation_count = 0, pending_count = 0, top_score = NULL, uncertainty = NULL;
      UPDATE images SET annotation_count = s.n, pending_count = s.p, top_score = s.top, uncertainty = s.u
      FROM (SELECT a.image_id AS image_id,
                   sum(a.state IN ('pending','accepted')) AS n,
                   sum(a.state = 'pending') AS p,
                   max(CASE WHEN a.state IN ('pending','accepted') THEN a.score END) AS top,
                   min(CASE WHEN a.state = 'pending' AND a.score IS NOT NULL
                            THEN abs(a.score - ifnull(c.threshold, ${DEFAULT_THRESHOLD_SQL})) END) AS u
              FROM annotations a LEFT JOIN categories c ON c.id = a.category_id
             GROUP BY a.image_id) AS s
      WHERE s.image_id = images.id`);
    return;
  }
  const one = stmt(h, `UPDATE images SET ${RECOMPUTE} WHERE id = ?`);
  for (const id of ids) one.run(id);
}

// ---- the image browser and editor navigation (one filter, one order) ----

export interface ImageFilter {
  status?: ReviewStatus[];
  hasPending?: boolean;
  minScore?: number;
  /** Images with a pending or accepted annotation of this category. */
  categoryId?: number;
  /** Images with UNITER audit flags (db/audit-reads.ts): any, or of one kind. */
  audit?: 'flagged' | 'missing' | 'doubtful';
}

export type ImageSort = 'name' | 'uncertainty' | 'audit';

export interface ImageSummaryRow {
  id: number;
  path: string;
  width: number;
  height: number;
  status: ReviewStatus;
  annotation_count: number;
  pending_count: number;
  top_score: number | null;
  bytes: number;
  file_state: FileState;
}

/** The WHERE clause of a filter (over `images i`), with its named arguments added to `args`. */
function filterSql(f: ImageFilter, args: Record<string, unknown>): string[] {
  const where: string[] = [];
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
  // The audit's per-image flag counts (schema 12 keeps them beside the other counters).
  if (f.audit === 'flagged') where.push(`i.audit_missing + i.audit_doubtful > 0`);
  if (f.audit === 'missing') where.push(`i.audit_missing > 0`);
  if (f.audit === 'doubtful') where.push(`i.audit_doubtful > 0`);
  return where;
}

/**
 * The sort key of an order, as a row value over `images i`; the path breaks ties, so every
 * image has one place. Uncertainty: the pending prediction nearest its threshold first
 * (schema 4's `uncertainty`, a distance in [0, 1]); images without one (2) last.
 */
const SORT_KEY: Record<ImageSort, { cols: string[] }> = {
  name: { cols: ['i.path'] },
  uncertainty: { cols: ['ifnull(i.uncertainty, 2)', 'i.path'] },
  // Audit: the image's most suspicious flag first (greatest suspicion), images without flags
  // last (schema 12's audit_rank and its index images_audit_order).
  audit: { cols: ['i.audit_rank', 'i.path'] },
};

const whereOf = (parts: string[]) => (parts.length ? `WHERE ${parts.join(' AND ')}` : '');

/** One page of images under a filter and order, with the total count. */
export function imagePage(
  h: DbHandle,
  f: ImageFilter,
  page: { sort: ImageSort; limit: number; offset: number },
): { total: number; rows: ImageSummaryRow[] } {
  const args: Record<string, unknown> = {};
  const w = whereOf(filterSql(f, args));
  const order = `ORDER BY ${SORT_KEY[page.sort].cols.join(', ')}`;
  const total = (stmt(h, `SELECT count(*) AS n FROM images i ${w}`).get(args) as { n: number }).n;
  const rows = stmt(
    h,
    `SELECT i.id, i.path, i.width, i.height, i.status, i.annotation_count, i.pending_count, i.top_score, i.bytes, i.file_state
     FROM images i ${w} ${order} LIMIT @limit OFFSET @offset`,
  ).all({ ...args, limit: page.limit, offset: page.offset }) as ImageSummaryRow[];
  return { total, rows };
}

/**
 * The first image after (`after`) or before (`before`) image `id` in the order, among those
 * the filter keeps. Works from the image's own sort key, so it answers also for an image the
 * filter no longer keeps (just marked reviewed under an "unreviewed" filter).
 */
export function imageNear(h: DbHandle, id: number, side: 'after' | 'before', f: ImageFilter, sort: ImageSort): number | null {
  return imageNeighbours(h, id, [side], f, sort)[side] ?? null;
}

/** imageNear for several sides in one statement (the editor asks for both neighbours). */
export function imageNeighbours(
  h: DbHandle,
  id: number,
  sides: ('after' | 'before')[],
  f: ImageFilter,
  sort: ImageSort,
): { after?: number | null; before?: number | null } {
  const args: Record<string, unknown> = { id };
  const where = filterSql(f, args);
  const key = SORT_KEY[sort].cols;
  const cur = key.map((c) => c.replace(/\bi\./g, 'c.'));
  const near = (side: 'after' | 'before') => {
    const cmp = side === 'after' ? '>' : '<';
    const dir = side === 'after' ? '' : ' DESC';
    const w = [...where, `(${key.join(', ')}) ${cmp} (SELECT ${cur.join(', ')} FROM images c WHERE c.id = @id)`];
    return `(SELECT i.id FROM images i ${whereOf(w)} ORDER BY ${key.map((k) => k + dir).join(', ')} LIMIT 1) AS ${side}`;
  };
  return stmt(h, `SELECT ${sides.map(near).join(', ')}`).get(args) as { after?: number | null; before?: number | null };
}

/** The first image in the order that the filter keeps (`first`) or the last one. */
export function imageAtEnd(h: DbHandle, end: 'first' | 'last', f: ImageFilter, sort: ImageSort): number | null {
  const args: Record<string, unknown> = {};
  const dir = end === 'first' ? '' : ' DESC';
  const r = stmt(
    h,
    `SELECT i.id FROM images i ${whereOf(filterSql(f, args))} ORDER BY ${SORT_KEY[sort].cols.map((k) => k + dir).join(', ')} LIMIT 1`,
  ).get(args) as { id: number } | undefined;
  return r?.id ?? null;
}

// ---- the state of each image's file (services/image-files.ts checks them) ----

export interface ImageFileRow {
  id: number;
  path: string;
  hash: string;
  bytes: number;
  added_at: number;
  file_state: FileState;
  file_mtime: number | null;
}

const FILE_COLUMNS = `id, path, hash, bytes, added_at, file_state, file_mtime`;

export function imageFileRow(h: DbHandle, id: number): ImageFileRow | undefined {
  return stmt(h, `SELECT ${FILE_COLUMNS} FROM images WHERE id = ?`).get(id) as ImageFileRow | undefined;
}

/** Every image's file facts, streamed in id order (for `labelwright stats`). */
export function iterateImageFiles(h: DbHandle): IterableIterator<ImageFileRow> {
  return streaming(h, `SELECT ${FILE_COLUMNS} FROM images ORDER BY id`).iterate() as IterableIterator<ImageFileRow>;
}

/** Records what a check found; `mtime` (when given) is the file's mtime its hash was verified at. */
export function setFileState(h: DbHandle, id: number, state: FileState, mtime?: number): void {
  if (mtime === undefined) stmt(h, `UPDATE images SET file_state = ? WHERE id = ? AND file_state IS NOT ?`).run(state, id, state);
  else stmt(h, `UPDATE images SET file_state = ?, file_mtime = ? WHERE id = ?`).run(state, mtime, id);
}

/** Images per stored file state. */
export function imageCountsByFileState(h: DbHandle): { state: FileState; n: number }[] {
  return stmt(h, `SELECT file_state AS state, count(*) AS n FROM images GROUP BY file_state`).all() as { state: FileState; n: number }[];
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
