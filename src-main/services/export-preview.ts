import type { ExportRequest } from '../shared/api';
import type { ProjectDb } from '../db/project-db';
import type { DbHandle } from '../db/statements';
import { countExportAnnotations, exportPredictionCounts, reviewedWithPending } from '../db/annotations-table';
import { countCategories } from '../db/categories-table';
import { countImages } from '../db/images-table';

export type ExportPreviewOptions = Omit<ExportRequest, 'path'>;

export interface ExportCounts {
  images: number;
  annotations: number;
  categories: number;
  /** Images marked reviewed that still hold pending predictions, and what the export does with them. */
  reviewedWithPending: number;
  reviewedWithPendingNote: string | null;
}

/**
 * What `exportCoco` would write with these options, counted without writing: the same
 * filters as coco/export.ts (instances: images by review status, annotations by state,
 * every category; results: the predictions, with the images and categories they touch).
 */
export function exportPreview(pdb: ProjectDb, opts: ExportPreviewOptions): ExportCounts {
  const reviewedOnly = opts.reviewedOnly === true;
  const counts =
    (opts.format ?? 'instances') === 'results'
      ? exportPredictionCounts(pdb, { reviewedOnly })
      : {
          images: countImages(pdb, { reviewedOnly }),
          annotations: countExportAnnotations(pdb, { reviewedOnly, includePending: opts.include === 'pending' }),
          categories: countCategories(pdb),
        };
  return { ...counts, ...reviewedWithPendingReport(pdb, opts) };
}

/**
 * Old projects (before review meant decided) may hold images marked reviewed with pending
 * predictions. An export treats their pending predictions as it treats any pending one:
 * left out of an instances file unless pending output is asked for, written to a results
 * file (which holds every prediction). This counts them and says which, in one sentence.
 */
export function reviewedWithPendingReport(
  h: DbHandle,
  opts: Pick<ExportPreviewOptions, 'format' | 'include'>,
): Pick<ExportCounts, 'reviewedWithPending' | 'reviewedWithPendingNote'> {
  const { images, pending } = reviewedWithPending(h);
  if (images === 0) return { reviewedWithPending: 0, reviewedWithPendingNote: null };
  const what = `${images} image${images === 1 ? ' is' : 's are'} marked reviewed but still ${images === 1 ? 'holds' : 'hold'} ${pending} pending prediction${pending === 1 ? '' : 's'}`;
  const does =
    (opts.format ?? 'instances') === 'results'
      ? 'this results export writes them, as it writes every prediction'
      : opts.include === 'pending'
        ? 'this export writes them as annotations, with the accepted ones'
        : 'this export writes only the accepted annotations of those images and leaves the pending predictions out';
  return { reviewedWithPending: images, reviewedWithPendingNote: `${what}: ${does}.` };
}
