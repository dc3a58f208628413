/**
 * Hand-built projects for the workspace tests and benches: images inserted as rows (no
 * files needed unless `files` is given), categories, a model run and its predictions,
 * applied as pending annotations the way a bulk job does.
 */
import type { Bbox } from '../shared/contract';
import type { ProjectService } from '../services/project-service';
import { annotationWriter } from '../db/annotations-table';

export interface FixtureImage {
  path: string;
  width?: number;
  height?: number;
  /** The file's real sha256 and size, when the test wrote it (its file check then says `ok`). */
  hash?: string;
  bytes?: number;
}

export function insertImages(svc: ProjectService, images: FixtureImage[]): number[] {
  const stmt = svc.pdb.db.prepare(
    `INSERT INTO images (path, hash, width, height, bytes, format, added_at, updated_at) VALUES (?, ?, ?, ?, ?, 'png', 0, 0)`,
  );
  return svc.pdb.tx(() =>
    images.map((im, i) =>
      Number(stmt.run(im.path, im.hash ?? `hash-${im.path}-${i}`, im.width ?? 100, im.height ?? 80, im.bytes ?? 1000).lastInsertRowid),
    ),
  );
}

export interface FixturePrediction {
  imageId: number;
  categoryId: number;
  bbox: Bbox;
  score: number;
  /** Also insert the pending annotation that applies it (default true). */
  apply?: boolean;
}

/** One model run; returns [predictionId, annotationId | null] per prediction. */
export function insertPredictions(svc: ProjectService, preds: FixturePrediction[]): [number, number | null][] {
  const db = svc.pdb.db;
  return svc.pdb.tx(() => {
    const run = Number(db.prepare(`INSERT INTO runs (kind, pack_id, created_at) VALUES ('model', 'glip-fixture', 0)`).run().lastInsertRowid);
    const p = db.prepare(
      `INSERT INTO predictions (run_id, image_id, category_id, x, y, w, h, rle, area, score, phrase, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, 'x', 0)`,
    );
    const writer = annotationWriter(svc.pdb);
    const setPrelabeled = db.prepare(`UPDATE images SET status = 'prelabeled' WHERE id = ? AND status = 'unlabeled'`);
    const ids = preds.map((x): [number, number | null] => {
      const [bx, by, bw, bh] = x.bbox;
      const pid = Number(p.run(run, x.imageId, x.categoryId, bx, by, bw, bh, bw * bh, x.score).lastInsertRowid);
      let aid: number | null = null;
      if (x.apply !== false) {
        aid = writer.insert({ imageId: x.imageId, categoryId: x.categoryId, bbox: x.bbox, rle: null, area: bw * bh, source: 'model', state: 'pending', predictionId: pid, score: x.score });
        setPrelabeled.run(x.imageId);
      }
      return [pid, aid];
    });
    writer.finish();
    return ids;
  });
}
