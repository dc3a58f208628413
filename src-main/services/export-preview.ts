import type { ExportRequest } from '../shared/api';
import type { ProjectDb } from '../db/project-db';
import { countExportAnnotations, exportPredictionCounts } from '../db/annotations-table';
import { countCategories } from '../db/categories-table';
import { countImages } from '../db/images-table';

export type ExportPreviewOptions = Omit<ExportRequest, 'path'>;

/**
 * What `exportCoco` would write with these options, counted without writing: the same
 * filters as coco/export.ts (instances: images by review status, annotations by state,
 * every category; results: the predictions, with the images and categories they touch).
 */
export function exportPreview(pdb: ProjectDb, opts: ExportPreviewOptions): { images: number; annotations: number; categories: number } {
  const reviewedOnly = opts.reviewedOnly === true;
  if ((opts.format ?? 'instances') === 'results') return exportPredictionCounts(pdb, { reviewedOnly });
  return {
    images: countImages(pdb, { reviewedOnly }),
    annotations: countExportAnnotations(pdb, { reviewedOnly, includePending: opts.include === 'pending' }),
    categories: countCategories(pdb),
  };
}
