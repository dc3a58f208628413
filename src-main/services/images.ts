import { existsSync } from 'node:fs';
import type { AddImagesResult, ImageRecord, ReviewStatus } from '../shared/contract';
import type { PendingPolicy } from '../shared/api';
import { LwError } from '../shared/errors';
import { isWriteFailure, writeFailureHint, writeFailureText, type ProjectDb } from '../db/project-db';
import * as images from '../db/images-table';
import { countPendingOn, decidePendingOn } from '../db/annotations-table';
import { listImageFiles, probeImages, type ProbedImage } from './image-scan';

export interface AddProgress {
  done: number;
  total: number;
  path: string;
}

/** Files are committed in batches: a crash keeps what was added, and a re-run adds the rest. */
const BATCH = 256;

export interface AddOptions {
  /**
   * A known path whose content changed since it was added: take the new content (re-hash,
   * new size) instead of keeping the old record. An image whose size changed goes back to
   * `in_progress`, since its annotations were drawn on the old picture.
   */
  updateChanged?: boolean;
}

/**
 * Adds every image under `folder`. Identity is the content hash: the same file added
 * twice is one image; the same content at a new path (the old one gone) is a move. A path
 * already in the project with other content is a changed file, reported per file and kept
 * as recorded unless `updateChanged` says otherwise; it never stops the rest of the add.
 */
export async function addImages(
  pdb: ProjectDb,
  folder: string,
  onProgress?: (p: AddProgress) => void,
  opts: AddOptions = {},
): Promise<AddImagesResult> {
  const files = await listImageFiles(folder);
  const result: AddImagesResult = { scanned: files.length, added: 0, alreadyPresent: 0, relocated: 0, duplicates: [], failed: [], changed: [] };

  let batch: ProbedImage[] = [];
  const flush = () => {
    if (!batch.length) return;
    const now = Date.now();
    // Counted apart and merged after the commit: a batch that rolls back added nothing.
    const part: AddImagesResult = { scanned: 0, added: 0, alreadyPresent: 0, relocated: 0, duplicates: [], failed: [], changed: [] };
    try {
      commitBatch(now, part);
    } catch (e) {
      if (!isWriteFailure(e)) throw e;
      // Earlier batches are committed: say how many images they added, and that the rest were not.
      const what = result.added + result.relocated ? `${result.added} image(s) were added before that and are kept${result.relocated ? ` (and ${result.relocated} moved)` : ''}` : 'no image was added';
      throw new LwError(e.code, `${writeFailureText(e.code, pdb.path)}: ${what}; the other files were not added`, `${writeFailureHint(e.code)} Running the same add again adds the rest.`, {
        cause: e,
        details: { added: result.added, relocated: result.relocated },
      });
    }
    result.added += part.added;
    result.alreadyPresent += part.alreadyPresent;
    result.relocated += part.relocated;
    result.duplicates.push(...part.duplicates);
    result.changed.push(...part.changed);
    batch = [];
  };
  const commitBatch = (now: number, result: AddImagesResult) => {
    pdb.tx(() => {
      for (const img of batch) {
        const atPath = images.imageByPath(pdb, img.path);
        if (atPath && atPath.hash !== img.hash) {
          changedFile(pdb, img, atPath, now, opts, result);
          continue;
        }
        const existing = images.imageByHash(pdb, img.hash);
        if (!existing) {
          images.insertImage(pdb, img, now);
          result.added++;
        } else if (existing.path === img.path) {
          result.alreadyPresent++;
        } else if (!existsSync(existing.path)) {
          images.relocateImage(pdb, existing.id, img.path, now);
          result.relocated++;
        } else {
          result.duplicates.push({ path: img.path, of: existing.path });
        }
      }
    });
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

/** A known path with new content: keep the record (default) or take the new content. */
function changedFile(
  pdb: ProjectDb,
  img: ProbedImage,
  old: { id: number; width: number; height: number },
  now: number,
  opts: AddOptions,
  result: AddImagesResult,
): void {
  const sizeChanged = old.width !== img.width || old.height !== img.height;
  if (!opts.updateChanged) {
    result.changed.push({ path: img.path, action: 'kept', sizeChanged });
    return;
  }
  // Hashes are unique: new content that another image already holds cannot become this one's.
  const other = images.imageByHash(pdb, img.hash);
  if (other) {
    result.changed.push({ path: img.path, action: 'kept', sizeChanged, note: `its new content is that of image ${other.id} (${other.path})` });
    return;
  }
  images.updateImageContent(pdb, old.id, img, now, sizeChanged);
  result.changed.push({ path: img.path, action: 'updated', sizeChanged });
}

export function listImages(pdb: ProjectDb, opts: { status?: ReviewStatus; limit?: number; offset?: number } = {}): ImageRecord[] {
  return images.listImages(pdb, opts);
}

export function getImage(pdb: ProjectDb, id: number): ImageRecord {
  const row = images.imageById(pdb, id);
  if (!row) throw new LwError('NOT_FOUND', `No image with id ${id}`);
  return row;
}

export interface SetStatusResult {
  status: ReviewStatus;
  /** Pending predictions the policy accepted or rejected on the way. */
  accepted: number;
  rejected: number;
}

/**
 * Sets an image's review status. Review means decided: `reviewed` is refused (CONFLICT,
 * details.pending = count) while the image holds pending predictions, unless `pending`
 * says what to do with them; then they are accepted or rejected and the status set in one
 * transaction. A policy given with another status decides the pending ones all the same.
 */
export function setReviewStatus(pdb: ProjectDb, imageId: number, status: ReviewStatus, pending?: PendingPolicy): SetStatusResult {
  return pdb.tx(() => {
    if (!images.imageExists(pdb, imageId)) throw new LwError('NOT_FOUND', `No image with id ${imageId}`);
    const now = Date.now();
    const result: SetStatusResult = { status, accepted: 0, rejected: 0 };
    if (pending === 'accept') result.accepted = decidePendingOn(pdb, imageId, 'accepted', now);
    else if (pending === 'reject') result.rejected = decidePendingOn(pdb, imageId, 'rejected', now);
    else if (status === 'reviewed') {
      const n = countPendingOn(pdb, imageId);
      if (n > 0)
        throw new LwError(
          'CONFLICT',
          `Image ${imageId} still has ${n} pending prediction${n === 1 ? '' : 's'}: an image is reviewed only when every prediction is decided`,
          "Accept or reject them first, or name a policy for them: pending 'accept' (accept all) or 'reject' (reject all).",
          { details: { pending: n } },
        );
    }
    images.setImageStatus(pdb, imageId, status, now);
    return result;
  });
}
