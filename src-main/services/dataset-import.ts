import type { Bbox } from '../shared/contract';
import type { ProjectDb } from '../db/project-db';
import { annotationWriter } from '../db/annotations-table';
import { categoryByKey } from '../db/categories-table';
import { imageByHash, insertImage, markImageImported, type NewImage } from '../db/images-table';
import { insertImportRun } from '../db/runs-table';
import { insertImportRecord, latestImportOf } from '../db/imports-table';
import { LwError } from '../shared/errors';
import { insertCategory, nameKey } from './categories';

/**
 * A dataset that a format reader (coco/import.ts) has already checked completely: every
 * image file found and probed, every mask converted. Ids are the dataset's own.
 */
export interface CheckedDataset {
  /** Recorded in the import run. */
  source: string;
  /** SHA-256 of the dataset file's bytes: the same content is not imported twice unless `again`. */
  sha256: string;
  /** Import even when content with this hash was imported before. */
  again?: boolean;
  categories: { id: number; name: string; supercategory?: string }[];
  images: { id: number; file: NewImage; annotated: boolean }[];
  annotations: Iterable<{ imageId: number; categoryId: number; bbox: Bbox; rle: string | null; area: number; iscrowd?: boolean }>;
}

/**
 * Why a category's id in the project differs from its id in the dataset:
 * `name`: a category of that name exists already; `taken`: another category holds the id;
 * `too-large`: the id is above MAX_KEPT_CATEGORY_ID.
 */
export type RemapReason = 'name' | 'taken' | 'too-large';

export interface DatasetImportSummary {
  images: { total: number; added: number; matched: number };
  categories: { created: number; reused: number; remapped: { name: string; from: number; to: number; reason: RemapReason }[] };
  annotations: number;
}

/**
 * Dataset category ids above this get a fresh id. Ids are AUTOINCREMENT: one huge id would
 * make every later category's id huge too, past 2^53 where JavaScript numbers (and JSON
 * readers) can no longer tell them apart. 2^31−1 also keeps ids within int32 for the
 * training tools that read exports.
 */
export const MAX_KEPT_CATEGORY_ID = 2 ** 31 - 1;

/**
 * Writes a checked dataset in ONE transaction. Categories match by name (a new one keeps
 * the dataset's id when it is free); images match by content hash. Imported annotations
 * are human work: their images are marked touched, so bulk jobs never overwrite them.
 */
export function importDataset(pdb: ProjectDb, ds: CheckedDataset): DatasetImportSummary {
  return pdb.tx(() => {
    // Checked again inside the write transaction: another process may have imported it since the reader's check.
    refuseRepeatedImport(pdb, ds.sha256, ds.source, ds.again === true);
    const now = Date.now();
    const summary: DatasetImportSummary = { images: { total: ds.images.length, added: 0, matched: 0 }, categories: { created: 0, reused: 0, remapped: [] }, annotations: 0 };

    const categoryMap = new Map<number, number>();
    for (const c of ds.categories) {
      const existing = categoryByKey(pdb, nameKey(c.name));
      if (existing) {
        categoryMap.set(c.id, existing.id);
        summary.categories.reused++;
        if (existing.id !== c.id) summary.categories.remapped.push({ name: c.name, from: c.id, to: existing.id, reason: 'name' });
        continue;
      }
      const tooLarge = c.id > MAX_KEPT_CATEGORY_ID;
      const created = insertCategory(pdb, { name: c.name, id: tooLarge ? undefined : c.id, supercategory: c.supercategory });
      categoryMap.set(c.id, created.id);
      summary.categories.created++;
      if (created.id !== c.id) summary.categories.remapped.push({ name: c.name, from: c.id, to: created.id, reason: tooLarge ? 'too-large' : 'taken' });
    }

    const imageMap = new Map<number, number>();
    for (const im of ds.images) {
      const existing = imageByHash(pdb, im.file.hash);
      let id: number;
      if (existing) {
        id = existing.id;
        summary.images.matched++;
        if (im.annotated) markImageImported(pdb, id, now);
      } else {
        id = insertImage(pdb, im.file, now, im.annotated ? { status: 'in_progress', humanTouchedAt: now } : {});
        summary.images.added++;
      }
      imageMap.set(im.id, id);
    }

    const runId = insertImportRun(pdb, JSON.stringify({ file: ds.source, sha256: ds.sha256 }), now);
    const writer = annotationWriter(pdb);
    for (const a of ds.annotations) {
      writer.insert({
        imageId: imageMap.get(a.imageId)!,
        categoryId: categoryMap.get(a.categoryId)!,
        bbox: a.bbox,
        rle: a.rle,
        area: a.area,
        source: 'human',
        state: 'accepted',
        iscrowd: a.iscrowd,
      });
      summary.annotations++;
    }
    writer.finish();
    insertImportRecord(pdb, {
      sha256: ds.sha256,
      file: ds.source,
      importedAt: now,
      images: summary.images.total,
      annotations: summary.annotations,
      categories: ds.categories.length,
      runId,
    });
    return summary;
  });
}

/**
 * Importing the same file twice adds every annotation a second time, which nobody notices
 * until the duplicates skew a training run: it takes `again` (CLI `--again`) to do it.
 */
export function refuseRepeatedImport(pdb: ProjectDb, sha256: string, source: string, again: boolean): void {
  if (again) return;
  const before = latestImportOf(pdb, sha256);
  if (!before) return;
  const when = new Date(before.importedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const same = before.file === source ? 'This file' : `This file's content (as ${before.file})`;
  throw new LwError(
    'CONFLICT',
    `${same} was already imported into this project on ${when} (${before.annotations} annotations on ${before.images} images); importing it again would add its annotations a second time`,
    'Nothing was changed. Pass --again to import it anyway.',
    { details: { previous: before } },
  );
}
