import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddImagesResult, ImageRecord, ReviewStatus } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import { listImageFiles, probeImages, type ProbedImage } from './image-scan';

export interface AddProgress {
  done: number;
  total: number;
  path: string;
}

/** Files are committed in batches: a crash keeps what was added, and a re-run adds the rest. */
const BATCH = 256;

/**
 * Adds every image under `folder`. Identity is the content hash: the same file added
 * twice is one image; the same content at a new path (the old one gone) is a move.
 */
export async function addImages(
  pdb: ProjectDb,
  folder: string,
  onProgress?: (p: AddProgress) => void,
): Promise<AddImagesResult> {
  const files = await listImageFiles(folder);
  const result: AddImagesResult = { scanned: files.length, added: 0, alreadyPresent: 0, relocated: 0, duplicates: [], failed: [] };
  const byHash = pdb.db.prepare(`SELECT id, path FROM images WHERE hash = ?`);
  const insert = pdb.db.prepare(
    `INSERT INTO images (path, hash, width, height, bytes, format, orientation, added_at, updated_at)
     VALUES (@path, @hash, @width, @height, @bytes, @format, @orientation, @now, @now)`,
  );
  const relocate = pdb.db.prepare(`UPDATE images SET path = ?, updated_at = ? WHERE id = ?`);

  let batch: ProbedImage[] = [];
  const flush = () => {
    if (!batch.length) return;
    const now = Date.now();
    pdb.tx(() => {
      for (const img of batch) {
        const existing = byHash.get(img.hash) as { id: number; path: string } | undefined;
        if (!existing) {
          insert.run({ ...img, now });
          result.added++;
        } else if (existing.path === img.path) {
          result.alreadyPresent++;
        } else if (!existsSync(existing.path)) {
          relocate.run(img.path, now, existing.id);
          result.relocated++;
        } else {
          result.duplicates.push({ path: img.path, of: existing.path });
        }
      }
    });
    batch = [];
  };

  let done = 0;
  for await (const r of probeImages(files)) {
    done++;
    if (r.ok) batch.push(r.image);
    else result.failed.push({ path: r.path, reason: r.reason });
    if (batch.length >= BATCH) flush();
    onProgress?.({ done, total: files.length, path: r.ok ? r.image.path : r.path });
  }
  flush();
  return result;
}

const IMAGE_COLUMNS = `id, path, hash, width, height, bytes, status`;

export function listImages(pdb: ProjectDb, opts: { status?: ReviewStatus; limit?: number; offset?: number } = {}): ImageRecord[] {
  const where = opts.status ? `WHERE status = @status` : '';
  return pdb.db
    .prepare(`SELECT ${IMAGE_COLUMNS} FROM images ${where} ORDER BY path LIMIT @limit OFFSET @offset`)
    .all({ status: opts.status, limit: opts.limit ?? -1, offset: opts.offset ?? 0 }) as ImageRecord[];
}

export function getImage(pdb: ProjectDb, id: number): ImageRecord {
  const row = pdb.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE id = ?`).get(id) as ImageRecord | undefined;
  if (!row) throw new LwError('NOT_FOUND', `No image with id ${id}`);
  return row;
}

export function findImageByPath(pdb: ProjectDb, path: string): ImageRecord | undefined {
  return pdb.db.prepare(`SELECT ${IMAGE_COLUMNS} FROM images WHERE path = ?`).get(resolve(path)) as ImageRecord | undefined;
}

export function setReviewStatus(pdb: ProjectDb, imageId: number, status: ReviewStatus): void {
  pdb.tx(() => {
    const r = pdb.db
      .prepare(
        `UPDATE images SET status = ?, updated_at = ?,
           human_touched_at = CASE WHEN ? IN ('in_progress','reviewed') THEN ? ELSE human_touched_at END
         WHERE id = ?`,
      )
      .run(status, Date.now(), status, Date.now(), imageId);
    if (r.changes === 0) throw new LwError('NOT_FOUND', `No image with id ${imageId}`);
  });
}
