/** Reads the project database read-only, as a person's SQLite browser would. */
import Database from 'better-sqlite3';

export interface AnnotationRow {
  id: number;
  image_id: number;
  category_id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  source: string;
  state: string;
  prediction_id: number | null;
  score: number | null;
}

export function readDb<T>(file: string, f: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return f(db);
  } finally {
    db.close();
  }
}

export function annotation(file: string, id: number): AnnotationRow | undefined {
  return readDb(
    file,
    (db) => db.prepare(`SELECT * FROM annotations WHERE id = ?`).get(id) as AnnotationRow | undefined,
  );
}

export function annotationsOf(file: string, imageId: number): AnnotationRow[] {
  return readDb(
    file,
    (db) =>
      db.prepare(`SELECT * FROM annotations WHERE image_id = ? ORDER BY id`).all(imageId) as AnnotationRow[],
  );
}

export function imageStatus(file: string, imageId: number): string | undefined {
  return readDb(
    file,
    (db) =>
      (db.prepare(`SELECT status FROM images WHERE id = ?`).get(imageId) as { status: string } | undefined)
        ?.status,
  );
}

export function bboxOf(r: AnnotationRow): [number, number, number, number] {
  return [r.x, r.y, r.w, r.h];
}
