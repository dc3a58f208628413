import type { ProjectDb } from '../db/project-db';

const RECOMPUTE = `
  annotation_count = (SELECT count(*) FROM annotations a WHERE a.image_id = images.id AND a.state IN ('pending','accepted')),
  pending_count    = (SELECT count(*) FROM annotations a WHERE a.image_id = images.id AND a.state = 'pending'),
  top_score        = (SELECT max(a.score) FROM annotations a WHERE a.image_id = images.id AND a.state IN ('pending','accepted'))`;

/**
 * Recomputes the per-image counters (schema 2) of the given images from their
 * annotations. Call it inside the transaction that inserted annotations; beyond a few
 * thousand images one pass over the whole table is cheaper than one statement per image.
 */
export function refreshImageCounters(pdb: ProjectDb, imageIds: Iterable<number>): void {
  const ids = [...new Set(imageIds)];
  if (!ids.length) return;
  if (ids.length > 5000) {
    pdb.db.exec(`UPDATE images SET ${RECOMPUTE}`);
    return;
  }
  const one = pdb.db.prepare(`UPDATE images SET ${RECOMPUTE} WHERE id = ?`);
  for (const id of ids) one.run(id);
}
