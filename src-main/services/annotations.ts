import type { AnnotationSource, AnnotationState, Bbox } from '../shared/contract';
import type { ProjectDb } from '../db/project-db';
import { refreshImageCounters } from './image-counters';

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
  /** Only when undo restores a deleted annotation under its old id. */
  id?: number;
}

export interface AnnotationWriter {
  insert(a: NewAnnotation): number;
  /** Brings the touched images' counters up to date; call before the transaction ends. */
  finish(): void;
}

/**
 * The one way annotations are inserted. It binds a prepared statement and remembers the
 * images it touched, so that bulk paths (import, jobs, benches) insert millions of rows
 * without a per-row counter update and fix the counters once in `finish()`.
 */
export function annotationWriter(pdb: ProjectDb): AnnotationWriter {
  const stmt = pdb.db.prepare(
    `INSERT INTO annotations (id, image_id, category_id, x, y, w, h, rle, area, source, state, prediction_id, score, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const touched = new Set<number>();
  const now = Date.now();
  return {
    insert(a) {
      touched.add(a.imageId);
      const info = stmt.run(
        a.id ?? null, a.imageId, a.categoryId, a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3], a.rle, a.area,
        a.source, a.state, a.predictionId ?? null, a.score ?? null, now, now,
      );
      return Number(info.lastInsertRowid);
    },
    finish() {
      refreshImageCounters(pdb, touched);
      touched.clear();
    },
  };
}

export function insertAnnotations(pdb: ProjectDb, rows: Iterable<NewAnnotation>): number {
  return pdb.tx(() => {
    const w = annotationWriter(pdb);
    let n = 0;
    for (const r of rows) {
      w.insert(r);
      n++;
    }
    w.finish();
    return n;
  });
}
