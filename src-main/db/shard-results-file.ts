/**
 * A shard's results file: what `labelwright work` writes for one shard of a bundle, and
 * `labelwright merge` reads back into the project. One SQLite file per shard (never the
 * project: SQLite must not be shared over a network filesystem), written by one worker,
 * one transaction per image, so a killed worker loses at most the image in flight and a
 * restarted one goes on from what the file holds.
 *
 * The file records what it was run for (`shard_meta`: the bundle's job, signature, packs
 * with their sha256 and parameters), so merge can refuse results of another run.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { LwError } from '../shared/errors';
import { BUSY_TIMEOUT_MS, mapSqliteError, openReader } from './project-db';
import { stmt, streaming, type Db, type DbHandle } from './statements';

/** 'LWSR': tells a shard results file from a project or any other SQLite file. */
const SHARD_APPLICATION_ID = 0x4c575352;
/** The layout below; a reader refuses a newer one. */
export const SHARD_FILE_VERSION = 1;

const SCHEMA = /* sql */ `
CREATE TABLE IF NOT EXISTS shard_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS shard_items (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  hash         TEXT    NOT NULL UNIQUE,
  path         TEXT    NOT NULL,
  state        TEXT    NOT NULL CHECK (state IN ('done', 'failed')),
  error        TEXT,
  results_json TEXT,
  finished_at  INTEGER NOT NULL
);
`;

/** What a shard file says it was run for: free-form JSON the jobs layer defines and compares. */
export type ShardMeta = Record<string, string>;

export interface ShardItemRow {
  seq: number;
  hash: string;
  path: string;
  state: 'done' | 'failed';
  error: string | null;
}

/** The writer's end: one worker per file. */
export class ShardResultsWriter implements DbHandle {
  private constructor(
    readonly path: string,
    readonly db: Db,
  ) {}

  /**
   * Opens the shard's file, creating it with `meta` when absent. An existing file must
   * have been started with the same `meta` (the same shard of the same bundle): results of
   * another run are never mixed into it.
   */
  static open(path: string, meta: ShardMeta): ShardResultsWriter {
    const fresh = !existsSync(path);
    let db: Db;
    try {
      db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    } catch (e) {
      throw mapSqliteError(e, path);
    }
    try {
      db.pragma('journal_mode = WAL');
      // NORMAL survives a killed process in WAL mode; only an OS crash loses the last image.
      db.pragma('synchronous = NORMAL');
      if (fresh || isEmpty(db)) {
        db.transaction(() => {
          db.exec(SCHEMA);
          const put = db.prepare(`INSERT INTO shard_meta (key, value) VALUES (?, ?)`);
          for (const [k, v] of Object.entries(meta)) put.run(k, v);
          db.pragma(`application_id = ${SHARD_APPLICATION_ID}`);
          db.pragma(`user_version = ${SHARD_FILE_VERSION}`);
        }).immediate();
      } else {
        checkShardFile(db, path);
        const had = readMeta(db);
        const differs = Object.keys({ ...had, ...meta }).filter((k) => had[k] !== meta[k]);
        if (differs.length)
          throw new LwError(
            'CONFLICT',
            `${path} holds results of another run (its ${differs.join(', ')} differ from this bundle's)`,
            'Move that file away (or pass another --out) and run the shard again.',
          );
      }
      return new ShardResultsWriter(path, db);
    } catch (e) {
      db.close();
      throw mapSqliteError(e, path);
    }
  }

  /** Content hashes of the images this shard already has an outcome for. */
  recordedHashes(): Set<string> {
    return new Set((stmt(this, `SELECT hash FROM shard_items`).all() as { hash: string }[]).map((r) => r.hash));
  }

  /** Records one image's outcome in its own transaction. */
  record(item: { hash: string; path: string; state: 'done' | 'failed'; error?: string | null; resultsJson?: string | null }, now = Date.now()): void {
    try {
      stmt(this, `INSERT INTO shard_items (hash, path, state, error, results_json, finished_at) VALUES (?, ?, ?, ?, ?, ?)`).run(
        item.hash,
        item.path,
        item.state,
        item.error ?? null,
        item.resultsJson ?? null,
        now,
      );
    } catch (e) {
      throw mapSqliteError(e, this.path);
    }
  }

  /** Runs `fn` in one transaction (the bench writes many rows at once). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * The reader's end, for merge: read-only, and safe while a worker is still writing the
 * file (WAL: the reader sees the images committed when its read began).
 */
export class ShardResultsReader implements DbHandle {
  private constructor(
    readonly path: string,
    readonly db: Db,
  ) {}

  /** Null while the file is still empty: its worker has just created it and not yet written the layout. */
  static open(path: string): ShardResultsReader | null {
    let db: Db;
    try {
      db = openReader(path);
    } catch (e) {
      throw mapSqliteError(e, path);
    }
    try {
      if (isEmpty(db)) {
        db.close();
        return null;
      }
      checkShardFile(db, path);
      // One snapshot for meta and items alike, however long the merge of this file takes.
      db.exec('BEGIN');
      return new ShardResultsReader(path, db);
    } catch (e) {
      db.close();
      throw mapSqliteError(e, path);
    }
  }

  meta(): ShardMeta {
    return readMeta(this.db);
  }

  count(): number {
    return (stmt(this, `SELECT count(*) AS n FROM shard_items`).get() as { n: number }).n;
  }

  /**
   * Every recorded outcome, in the order the worker finished them (streamed, not loaded at
   * once). Without the model output: most rows of a repeated merge are not needed again.
   */
  *items(): IterableIterator<ShardItemRow> {
    for (const r of streaming(this, `SELECT seq, hash, path, state, error FROM shard_items ORDER BY seq`).iterate()) yield r as ShardItemRow;
  }

  /** The models' output recorded for one image (one result per pack), as JSON; null for a failed one. */
  resultsJson(seq: number): string | null {
    return (stmt(this, `SELECT results_json AS json FROM shard_items WHERE seq = ?`).get(seq) as { json: string | null } | undefined)?.json ?? null;
  }

  close(): void {
    if (!this.db.open) return;
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }
}

function isEmpty(db: Db): boolean {
  return (db.prepare(`SELECT count(*) AS n FROM sqlite_schema`).get() as { n: number }).n === 0;
}

function readMeta(db: Db): ShardMeta {
  const out: ShardMeta = {};
  for (const r of db.prepare(`SELECT key, value FROM shard_meta`).all() as { key: string; value: string }[]) out[r.key] = r.value;
  return out;
}

function checkShardFile(db: Db, path: string): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (appId !== SHARD_APPLICATION_ID)
    throw new LwError('INVALID_ARGUMENT', `${path} is not a Labelwright shard results file`, 'Results files are written by `labelwright work` (results/shard-NNNN.sqlite).');
  if (version > SHARD_FILE_VERSION)
    throw new LwError('PROJECT_NEWER_VERSION', `${path} was written by a newer Labelwright (shard file version ${version})`, 'Merge with the Labelwright version the workers ran.');
}
