/**
 * Schema 5: repair what older versions stored wrongly, so that every annotation in the file
 * is self-consistent before anything reads it.
 *
 * - Before schema 5, moving or resizing a box in the editor left its mask behind, and
 *   brushing could leave a box that was not the mask's box. A masked annotation's box is
 *   its mask's tight box and its area the mask's pixel count (shared/annotation-rules), so
 *   both are recomputed here from the mask, which is the exact part. An annotation whose
 *   mask is empty keeps its box and loses the empty mask.
 * - Coordinates are rounded to 1/100 px, as every writer now stores them.
 *
 * Predictions are immutable model output and stay as they were recorded.
 */
import type Database from 'better-sqlite3';
import { rleArea, rleBbox, stringToCounts } from '../../shared/masks';

export function run(db: Database.Database): void {
  const rows = db.prepare(
    `SELECT a.id, a.x, a.y, a.w, a.h, a.rle, a.area, i.width, i.height
       FROM annotations a JOIN images i ON i.id = a.image_id WHERE a.rle IS NOT NULL`,
  );
  const fit = db.prepare(`UPDATE annotations SET x = ?, y = ?, w = ?, h = ?, area = ? WHERE id = ?`);
  const dropEmpty = db.prepare(`UPDATE annotations SET rle = NULL, area = round(w * h, 2) WHERE id = ?`);
  const fixes: [number, number, number, number, number, number][] = [];
  const empty: number[] = [];
  for (const r of rows.iterate() as Iterable<{ id: number; x: number; y: number; w: number; h: number; rle: string; area: number; width: number; height: number }>) {
    const counts = stringToCounts(r.rle);
    const area = rleArea(counts);
    if (area === 0) {
      empty.push(r.id);
      continue;
    }
    const [x, y, w, h] = rleBbox(counts, r.height, r.width);
    if (x !== r.x || y !== r.y || w !== r.w || h !== r.h || area !== r.area) fixes.push([x, y, w, h, area, r.id]);
  }
  for (const f of fixes) fit.run(...f);
  for (const id of empty) dropEmpty.run(id);
  db.exec(`UPDATE annotations SET x = round(x, 2), y = round(y, 2), w = round(w, 2), h = round(h, 2)
           WHERE rle IS NULL AND (x != round(x, 2) OR y != round(y, 2) OR w != round(w, 2) OR h != round(h, 2))`);
  db.exec(`UPDATE annotations SET area = round(w * h, 2) WHERE rle IS NULL AND area != round(w * h, 2)`);
}
