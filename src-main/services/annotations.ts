import type { AnnotationSource, AnnotationState, Bbox } from '../shared/contract';
import type { ProjectDb } from '../db/project-db';

export interface NewAnnotation {
  imageId: number;
  categoryId: number;
  bbox: Bbox;
  /** COCO compressed RLE counts at the image's size, or null for a box only. */
  rle: string | null;
  area: number;
  source: AnnotationSource;
  state: AnnotationState;
  predictionId?: number | null;
  score?: number | null;
}

/**
 * Returns an inserter bound to one prepared statement; call it inside a transaction.
 * Bulk paths (import, jobs, benches) insert millions of rows through it.
 */
export function annotationInserter(pdb: ProjectDb): (a: NewAnnotation) => number {
  const stmt = pdb.db.prepare(
    `INSERT INTO annotations (image_id, category_id, x, y, w, h, rle, area, source, state, prediction_id, score, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return (a) => {
    const now = Date.now();
    const info = stmt.run(
      a.imageId, a.categoryId, a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3], a.rle, a.area,
      a.source, a.state, a.predictionId ?? null, a.score ?? null, now, now,
    );
    return Number(info.lastInsertRowid);
  };
}

export function insertAnnotations(pdb: ProjectDb, rows: Iterable<NewAnnotation>): number {
  const insert = annotationInserter(pdb);
  return pdb.tx(() => {
    let n = 0;
    for (const r of rows) {
      insert(r);
      n++;
    }
    return n;
  });
}
