import type { Bbox } from '../shared/contract';
import type { ProjectDb } from '../db/project-db';
import { annotationWriter } from '../db/annotations-table';
import { categoryByKey } from '../db/categories-table';
import { imageByHash, insertImage, markImageImported, type NewImage } from '../db/images-table';
import { insertImportRun } from '../db/runs-table';
import { insertCategory, nameKey } from './categories';

/**
 * A dataset that a format reader (coco/import.ts) has already checked completely: every
 * image file found and probed, every mask converted. Ids are the dataset's own.
 */
export interface CheckedDataset {
  /** Recorded in the import run. */
  source: string;
  categories: { id: number; name: string; supercategory?: string }[];
  images: { id: number; file: NewImage; annotated: boolean }[];
  annotations: Iterable<{ imageId: number; categoryId: number; bbox: Bbox; rle: string | null; area: number }>;
}

export interface DatasetImportSummary {
  images: { total: number; added: number; matched: number };
  categories: { created: number; reused: number; remapped: { name: string; from: number; to: number }[] };
  annotations: number;
}

/**
 * Writes a checked dataset in ONE transaction. Categories match by name (a new one keeps
 * the dataset's id when it is free); images match by content hash. Imported annotations
 * are human work: their images are marked touched, so bulk jobs never overwrite them.
 */
export function importDataset(pdb: ProjectDb, ds: CheckedDataset): DatasetImportSummary {
  return pdb.tx(() => {
    const now = Date.now();
    const summary: DatasetImportSummary = { images: { total: ds.images.length, added: 0, matched: 0 }, categories: { created: 0, reused: 0, remapped: [] }, annotations: 0 };

    const categoryMap = new Map<number, number>();
    for (const c of ds.categories) {
      const existing = categoryByKey(pdb, nameKey(c.name));
      if (existing) {
        categoryMap.set(c.id, existing.id);
        summary.categories.reused++;
        if (existing.id !== c.id) summary.categories.remapped.push({ name: c.name, from: c.id, to: existing.id });
        continue;
      }
      const created = insertCategory(pdb, { name: c.name, id: c.id, supercategory: c.supercategory });
      categoryMap.set(c.id, created.id);
      summary.categories.created++;
      if (created.id !== c.id) summary.categories.remapped.push({ name: c.name, from: c.id, to: created.id });
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

    insertImportRun(pdb, JSON.stringify({ file: ds.source }), now);
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
      });
      summary.annotations++;
    }
    writer.finish();
    return summary;
  });
}
