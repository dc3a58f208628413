/** The `coco_imports` table: one row per dataset import (file hash, time, what it wrote). All SQL on it lives here. */
import { stmt, type DbHandle } from './statements';

export interface ImportRecord {
  sha256: string;
  file: string;
  importedAt: number;
  images: number;
  annotations: number;
  categories: number;
  runId: number | null;
}

/** The latest import of content with this hash, if any. */
export function latestImportOf(h: DbHandle, sha256: string): ImportRecord | undefined {
  return stmt(
    h,
    `SELECT sha256, file, imported_at AS importedAt, images, annotations, categories, run_id AS runId
       FROM coco_imports WHERE sha256 = ? ORDER BY imported_at DESC, id DESC LIMIT 1`,
  ).get(sha256) as ImportRecord | undefined;
}

export function insertImportRecord(h: DbHandle, r: ImportRecord): void {
  stmt(
    h,
    `INSERT INTO coco_imports (sha256, file, imported_at, images, annotations, categories, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(r.sha256, r.file, r.importedAt, r.images, r.annotations, r.categories, r.runId);
}

export function countImportRecords(h: DbHandle): number {
  return (stmt(h, `SELECT count(*) AS n FROM coco_imports`).get() as { n: number }).n;
}
