import Database from 'better-sqlite3';
import type { Db, DbHandle } from './statements';

/**
 * A dedicated read-only connection holding one snapshot of the project for as long as it
 * is open: a long export reads a consistent state with iterators while writers in this or
 * other processes keep working (WAL).
 */
export class ReadSnapshot implements DbHandle {
  readonly db: Db;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      this.db.pragma('busy_timeout = 5000');
      this.db.exec('BEGIN');
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  /** Ends the read transaction and closes the connection. */
  close(): void {
    if (!this.db.open) return;
    try {
      if (this.db.inTransaction) this.db.exec('COMMIT');
    } catch {
      // Closing ends a read transaction too; this only fails after an interrupted read.
    }
    this.db.close();
  }
}
