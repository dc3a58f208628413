import Database from 'better-sqlite3';

/**
 * Puts a project file into a state only older versions could write: the image whose path
 * ends in `fileName` marked reviewed while a model prediction on it (category 1, score 0.8)
 * is still pending. Returns the image id.
 */
export function leaveReviewedWithPending(projectPath: string, fileName: string): number {
  const db = new Database(projectPath);
  try {
    const image = db.prepare(`SELECT id FROM images WHERE path LIKE ?`).get(`%${fileName}`) as { id: number };
    db.prepare(`UPDATE images SET status = 'reviewed' WHERE id = ?`).run(image.id);
    db.prepare(
      `INSERT INTO annotations (image_id, category_id, x, y, w, h, area, source, state, score, created_at, updated_at)
       VALUES (?, 1, 1, 1, 5, 5, 25, 'model', 'pending', 0.8, 0, 0)`,
    ).run(image.id);
    return image.id;
  } finally {
    db.close();
  }
}
