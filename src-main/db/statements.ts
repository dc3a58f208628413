import type Database from 'better-sqlite3';

export type Db = Database.Database;
export type Statement = Database.Statement;

/**
 * What the table modules read and write through: an open project (`ProjectDb`) or a
 * read-only snapshot (`ReadSnapshot`). Transactions stay with the caller (`ProjectDb.tx`),
 * so one service call can span several tables in one transaction.
 */
export interface DbHandle {
  readonly db: Db;
}

const cache = new WeakMap<Db, Map<string, Statement>>();

/**
 * The prepared statement for `sql` on this connection, prepared once: table functions are
 * called per row on bulk paths (adding folders, committing job images), and preparing the
 * same text again each time would cost more than running it.
 */
export function stmt(h: DbHandle, sql: string): Statement {
  let byText = cache.get(h.db);
  if (!byText) cache.set(h.db, (byText = new Map()));
  let s = byText.get(sql);
  if (!s) byText.set(sql, (s = h.db.prepare(sql)));
  return s;
}

/** A fresh statement for streaming reads (`iterate`): a cached one would be busy while another iteration of it runs. */
export function streaming(h: DbHandle, sql: string): Statement {
  return h.db.prepare(sql);
}
