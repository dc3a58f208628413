import type { ExportRequest } from '../shared/api';
import type { ProjectDb } from '../db/project-db';

export type ExportPreviewOptions = Omit<ExportRequest, 'path'>;

/**
 * What `exportCoco` would write with these options, counted without writing: the same
 * filters as coco/export.ts (instances: images by review status, annotations by state,
 * every category; results: the predictions, with the images and categories they touch).
 */
export function exportPreview(pdb: ProjectDb, opts: ExportPreviewOptions): { images: number; annotations: number; categories: number } {
  const db = pdb.db;
  const reviewed = opts.reviewedOnly === true;
  if ((opts.format ?? 'instances') === 'results') {
    const r = db
      .prepare(
        `SELECT count(*) AS annotations, count(DISTINCT p.image_id) AS images, count(DISTINCT p.category_id) AS categories
         FROM predictions p JOIN images i ON i.id = p.image_id ${reviewed ? `AND i.status = 'reviewed'` : ''}`,
      )
      .get() as { annotations: number; images: number; categories: number };
    return r;
  }
  const states = opts.include === 'pending' ? `('accepted','pending')` : `('accepted')`;
  const images = (db.prepare(`SELECT count(*) AS n FROM images ${reviewed ? `WHERE status = 'reviewed'` : ''}`).get() as { n: number }).n;
  const annotations = (
    db
      .prepare(
        `SELECT count(*) AS n FROM annotations a JOIN images i ON i.id = a.image_id ${reviewed ? `AND i.status = 'reviewed'` : ''}
         WHERE a.state IN ${states}`,
      )
      .get() as { n: number }
  ).n;
  const categories = (db.prepare(`SELECT count(*) AS n FROM categories`).get() as { n: number }).n;
  return { images, annotations, categories };
}
