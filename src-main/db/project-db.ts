import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { LwError } from '../shared/errors';
import { migrations, LATEST_SCHEMA } from './migrations';
import type { Db, DbHandle } from './statements';

export type { Db } from './statements';

/** 'LWPJ': marks an SQLite file as a Labelwright project (PRAGMA application_id). */
export const APPLICATION_ID = 0x4c57504a;
const SQLITE_MAGIC = 'SQLite format 3\0';

export interface OpenOptions {
  /** Create the file if it does not exist (otherwise a missing file is an error). */
  create?: boolean;
  /** Open read-only even if the file is writable. */
  readonly?: boolean;
}

/**
 * An open project file. All writes go through `tx`, which runs one SQLite transaction
 * and maps SQLite's failures (read-only, busy, disk full) to errors a person can act on.
 * The SQL itself lives in the table modules (images-table.ts, categories-table.ts,
 * annotations-table.ts, jobs-table.ts, runs-table.ts), which take this as their handle.
 */
export class ProjectDb implements DbHandle {
  readonly readonly: boolean;

  private constructor(
    readonly path: string,
    readonly db: Db,
    readonly schemaVersion: number,
  ) {
    // A reader that fell back to exclusive locking (openReader) is query_only, not readonly.
    this.readonly = db.readonly || db.pragma('query_only', { simple: true }) === 1;
  }

  static open(path: string, opts: OpenOptions = {}): ProjectDb {
    const exists = existsSync(path);
    if (!exists && !opts.create) {
      throw new LwError('NOT_FOUND', `No project at ${path}`, 'Create one with `labelwright init <project.lw>`.');
    }
    if (exists) assertSqliteFile(path);
    const readonly = opts.readonly === true || (exists && !isWritable(path));

    let db: Db;
    try {
      db = readonly ? openReader(path) : new Database(path, { fileMustExist: !opts.create, timeout: BUSY_TIMEOUT_MS });
    } catch (e) {
      throw mapSqliteError(e, path);
    }
    try {
      db.pragma('foreign_keys = ON');
      // 64 MB of page cache: bulk inserts keep the index B-trees in memory instead of re-reading pages.
      db.pragma('cache_size = -65536');
      const appId = db.pragma('application_id', { simple: true }) as number;
      const version = db.pragma('user_version', { simple: true }) as number;
      if (appId !== APPLICATION_ID && !(appId === 0 && version === 0 && isEmptyDb(db))) {
        throw new LwError(
          'PROJECT_NOT_LABELWRIGHT',
          `${path} is an SQLite database but not a Labelwright project`,
          'Open a .lw file created by `labelwright init`.',
        );
      }
      if (version > LATEST_SCHEMA) {
        throw new LwError(
          'PROJECT_NEWER_VERSION',
          `${path} was written by a newer Labelwright (project schema ${version}; this build reads up to ${LATEST_SCHEMA})`,
          'Update Labelwright to open this project. The file was not changed.',
        );
      }
      if (!readonly) {
        db.pragma('journal_mode = WAL');
        // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose the last commit.
        db.pragma('synchronous = NORMAL');
      }
      if (version < LATEST_SCHEMA) {
        if (readonly) {
          throw new LwError(
            'PROJECT_READ_ONLY',
            `${path} needs an upgrade to schema ${LATEST_SCHEMA} but the file is read-only`,
            'Make the file writable, or open it with an older Labelwright.',
          );
        }
        migrate(db, version);
      }
      return new ProjectDb(path, db, LATEST_SCHEMA);
    } catch (e) {
      db.close();
      throw mapSqliteError(e, path);
    }
  }

  /** Runs `fn` in one IMMEDIATE transaction (taking the write lock up front avoids busy upgrades). */
  tx<T>(fn: () => T): T {
    if (this.readonly) {
      throw new LwError('PROJECT_READ_ONLY', `${this.path} is read-only`, 'Check the file permissions, or work on a copy.');
    }
    // Async work (adding a folder) can outlive its project when another one is opened meanwhile.
    if (!this.db.open)
      throw new LwError('CANCELLED', `${this.path} was closed while this was running (another project was opened)`, 'Open the project again: what was saved before is kept.');
    try {
      return this.db.transaction(fn).immediate();
    } catch (e) {
      throw mapSqliteError(e, this.path);
    }
  }

  close(): void {
    if (lockedReaders.get(this.path) === this.db) lockedReaders.delete(this.path);
    if (this.db.open) this.db.close();
  }
}

/** A short lock (another process committing) is waited out rather than failed. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Connections reading a project without SQLite's shared-memory index (see openReader),
 * by path: they hold the file's lock, so another reader of the same file in this process
 * (a ReadSnapshot for an export) reads through them.
 */
const lockedReaders = new Map<string, Db>();

/** The reading connection this process already holds on `path` without shared memory, if any. */
export function lockedReaderOf(path: string): Db | undefined {
  const db = lockedReaders.get(path);
  return db?.open ? db : undefined;
}

/**
 * A read-only connection. A WAL project is read through its -shm index, which SQLite
 * creates and grows (32 KB) on first read; on a full disk that fails ("disk I/O error",
 * SQLITE_IOERR_SHMSIZE) and nothing could be read. Then the project is read in exclusive
 * locking mode instead, where SQLite keeps the index in heap memory and needs no disk
 * space; query_only keeps that connection from writing. It holds the file's lock while
 * open, so other processes wait for this read (busy timeout) instead of writing.
 */
export function openReader(path: string): Db {
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (e) {
    db.close();
    if (!isShmFailure(e) || !isWritable(path)) throw e;
  }
  const locked = new Database(path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    locked.pragma('locking_mode = EXCLUSIVE');
    locked.pragma('query_only = ON');
    locked.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (e) {
    locked.close();
    throw e;
  }
  lockedReaders.set(path, locked);
  return locked;
}

/** SQLite could not create or grow the -shm index (full disk, quota, file-size limit). */
function isShmFailure(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? '';
  return code.startsWith('SQLITE_IOERR_SHM') || code === 'SQLITE_FULL';
}

function migrate(db: Db, from: number): void {
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      if ('sql' in m) db.exec(m.sql);
      else m.run(db);
      db.pragma(`user_version = ${m.version}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }).immediate();
  }
}

function isEmptyDb(db: Db): boolean {
  const row = db.prepare(`SELECT count(*) AS n FROM sqlite_schema`).get() as { n: number };
  return row.n === 0;
}

function assertSqliteFile(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) throw new LwError('INVALID_ARGUMENT', `${path} is a folder, not a project file`);
  if (st.size === 0) return; // an empty file is a fresh database
  const buf = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (buf.toString('latin1') !== SQLITE_MAGIC) {
    throw new LwError('PROJECT_NOT_LABELWRIGHT', `${path} is not a Labelwright project (not an SQLite database)`);
  }
}

/**
 * Honours the file's permission bits even for root (who could write anyway): a person
 * who made a project read-only meant it.
 */
function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
  } catch {
    return false;
  }
  return (statSync(path).mode & 0o222) !== 0;
}

/** The project could not take a write: the disk is full, another process holds the lock, or the file is read-only. */
export type WriteFailure = 'DISK_FULL' | 'PROJECT_BUSY' | 'PROJECT_READ_ONLY';

export function isWriteFailure(e: unknown): e is LwError & { code: WriteFailure } {
  return e instanceof LwError && (e.code === 'DISK_FULL' || e.code === 'PROJECT_BUSY' || e.code === 'PROJECT_READ_ONLY');
}

/**
 * What happened, in words, without what was kept: a caller that committed part of its
 * work (add's earlier batches, a job's finished images) says what it kept itself.
 */
export function writeFailureText(code: WriteFailure, path: string): string {
  if (code === 'DISK_FULL') return `The disk holding ${path} is full`;
  if (code === 'PROJECT_BUSY') return `${path} is busy: another process held its write lock for more than ${BUSY_TIMEOUT_MS / 1000} s`;
  return `${path} is read-only`;
}

const WRITE_FAILURE_HINT: Record<WriteFailure, string> = {
  DISK_FULL: 'Free some space and run the command again.',
  PROJECT_BUSY: 'Wait for the other process (an import, the app) to finish and try again.',
  PROJECT_READ_ONLY: 'Check the file permissions, or work on a copy.',
};

export function writeFailureHint(code: WriteFailure): string {
  return WRITE_FAILURE_HINT[code];
}

export function mapSqliteError(e: unknown, path: string): unknown {
  if (e instanceof LwError) return e;
  const code = (e as { code?: string })?.code ?? '';
  const msg = e instanceof Error ? e.message : String(e);
  if (code.startsWith('SQLITE_READONLY'))
    return new LwError('PROJECT_READ_ONLY', writeFailureText('PROJECT_READ_ONLY', path), WRITE_FAILURE_HINT.PROJECT_READ_ONLY, { cause: e });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new LwError('PROJECT_BUSY', `${writeFailureText('PROJECT_BUSY', path)}; nothing was written`, WRITE_FAILURE_HINT.PROJECT_BUSY, { cause: e });
  if (code === 'SQLITE_FULL' || /disk is full|ENOSPC/i.test(msg))
    return new LwError('DISK_FULL', `${writeFailureText('DISK_FULL', path)}; nothing was written`, WRITE_FAILURE_HINT.DISK_FULL, { cause: e });
  if (code.startsWith('SQLITE_IOERR_SHM'))
    return new LwError(
      'DISK_FULL',
      `Cannot open ${path}: SQLite could not create its shared-memory index (${code}) beside it; is the disk full? Nothing was changed`,
      'Free some space beside the project and run the command again.',
      { cause: e },
    );
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new LwError('PROJECT_NOT_LABELWRIGHT', `${path} is damaged or not a Labelwright project (${msg})`, undefined, { cause: e });
  if (code === 'SQLITE_CANTOPEN')
    return new LwError('NOT_FOUND', `Cannot open ${path}: ${msg}`, 'Check that the folder exists and is writable.', { cause: e });
  return e;
}
