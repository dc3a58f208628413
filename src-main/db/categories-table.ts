/**
 * The `categories` table (stable 1-based ids, AUTOINCREMENT so a removed id is never
 * handed out again) and `category_merges`, the record of merges. All SQL on them lives here.
 */
import type { Category } from '../shared/contract';
import { stmt, type DbHandle } from './statements';

const COLUMNS = `id, name, color, prompt, threshold, supercategory, hotkey`;

export function allCategories(h: DbHandle): Category[] {
  return stmt(h, `SELECT ${COLUMNS} FROM categories ORDER BY id`).all() as Category[];
}

export function categoryById(h: DbHandle, id: number): Category | undefined {
  return stmt(h, `SELECT ${COLUMNS} FROM categories WHERE id = ?`).get(id) as Category | undefined;
}

/** By normalised name (see nameKey in services/categories.ts). */
export function categoryByKey(h: DbHandle, key: string): Category | undefined {
  return stmt(h, `SELECT ${COLUMNS} FROM categories WHERE name_key = ?`).get(key) as Category | undefined;
}

/** Another category already holding this name key, if any. */
export function categoryWithKey(h: DbHandle, key: string, exceptId?: number): { id: number; name: string } | undefined {
  return (
    exceptId === undefined
      ? stmt(h, `SELECT id, name FROM categories WHERE name_key = ?`).get(key)
      : stmt(h, `SELECT id, name FROM categories WHERE name_key = ? AND id != ?`).get(key, exceptId)
  ) as { id: number; name: string } | undefined;
}

export function categoryExists(h: DbHandle, id: number): boolean {
  return stmt(h, `SELECT 1 FROM categories WHERE id = ?`).get(id) !== undefined;
}

export interface NewCategory {
  /** A wanted id; null lets SQLite choose the next one. */
  id: number | null;
  name: string;
  nameKey: string;
  prompt: string;
  threshold: number | null;
  supercategory: string | null;
  now: number;
}

/** Inserts with an empty color and returns the id (the color may depend on it: see setCategoryColor). */
export function insertCategoryRow(h: DbHandle, c: NewCategory): number {
  const info = stmt(
    h,
    `INSERT INTO categories (id, name, name_key, color, prompt, threshold, supercategory, created_at)
     VALUES (?, ?, ?, '', ?, ?, ?, ?)`,
  ).run(c.id, c.name, c.nameKey, c.prompt, c.threshold, c.supercategory, c.now);
  return Number(info.lastInsertRowid);
}

export function setCategoryColor(h: DbHandle, id: number, color: string): void {
  stmt(h, `UPDATE categories SET color = ? WHERE id = ?`).run(color, id);
}

export function setCategoryName(h: DbHandle, id: number, name: string, nameKey: string, prompt: string): void {
  stmt(h, `UPDATE categories SET name = ?, name_key = ?, prompt = ? WHERE id = ?`).run(name, nameKey, prompt, id);
}

export function setCategoryFields(
  h: DbHandle,
  id: number,
  f: { prompt: string; threshold: number | null; supercategory: string | null; color: string; hotkey: string | null },
): void {
  stmt(h, `UPDATE categories SET prompt = ?, threshold = ?, supercategory = ?, color = ?, hotkey = ? WHERE id = ?`).run(
    f.prompt,
    f.threshold,
    f.supercategory,
    f.color,
    f.hotkey,
    id,
  );
}

export function setCategoryHotkey(h: DbHandle, id: number, hotkey: string): void {
  stmt(h, `UPDATE categories SET hotkey = ? WHERE id = ?`).run(hotkey, id);
}

/** A key assigns one category: this takes it from every other. */
export function releaseHotkey(h: DbHandle, hotkey: string, exceptId: number): void {
  stmt(h, `UPDATE categories SET hotkey = NULL WHERE hotkey = ? AND id != ?`).run(hotkey, exceptId);
}

/** Deletes the row; annotations and predictions of it go by the schema's ON DELETE rules. */
export function deleteCategory(h: DbHandle, id: number): void {
  stmt(h, `DELETE FROM categories WHERE id = ?`).run(id);
}

/** Records that `from` was merged into `into`, and lets merges recorded earlier into `from` lead to `into`. */
export function recordMerge(h: DbHandle, from: { id: number; name: string }, intoId: number, now: number): void {
  stmt(h, `INSERT INTO category_merges (from_id, from_name, into_id, merged_at) VALUES (?, ?, ?, ?)`).run(from.id, from.name, intoId, now);
}

export function redirectMerges(h: DbHandle, fromId: number, intoId: number): void {
  stmt(h, `UPDATE category_merges SET into_id = ? WHERE into_id = ? AND from_id != ?`).run(intoId, fromId, intoId);
}

export function countCategories(h: DbHandle): number {
  return (stmt(h, `SELECT count(*) AS n FROM categories`).get() as { n: number }).n;
}
