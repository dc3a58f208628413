import { lockedReaderOf, openReader } from './project-db';
import type { Db, DbHandle } from './statements';

/**
 * A dedicated read-only connection holding one snapshot of the project for as long as it
 * is open: a long export reads a consistent state with iterators while writers in this or
 * other processes keep working (WAL).
 */
export class ReadSnapshot implements DbHandle {
  readonly db: Db;
  /** On a full disk the project's own connection holds the file's lock: read through it (openReader). */
  private readonly shared: boolean;

  constructor(path: string) {
    const locked = lockedReaderOf(path);
    this.shared = locked !== undefined;
    this.db = locked ?? openReader(path);
    try {
      this.db.exec('BEGIN');
    } catch (e) {
      if (!this.shared) this.db.close();
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
    if (!this.shared) this.db.close();
  }
}
