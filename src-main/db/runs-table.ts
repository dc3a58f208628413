/** The `runs` table: what produced a set of predictions or annotations (a model pack with its parameters, or an import). */
import { stmt, type DbHandle } from './statements';

export function insertModelRun(h: DbHandle, run: { packId: string; packSha256: string; paramsJson: string; prompt: string }, now: number): number {
  return Number(
    stmt(h, `INSERT INTO runs (kind, pack_id, pack_sha256, params_json, prompt, created_at) VALUES ('model', ?, ?, ?, ?, ?)`).run(
      run.packId,
      run.packSha256,
      run.paramsJson,
      run.prompt,
      now,
    ).lastInsertRowid,
  );
}

export function insertImportRun(h: DbHandle, paramsJson: string, now: number): number {
  return Number(stmt(h, `INSERT INTO runs (kind, params_json, created_at) VALUES ('import', ?, ?)`).run(paramsJson, now).lastInsertRowid);
}

export function countRuns(h: DbHandle): number {
  return (stmt(h, `SELECT count(*) AS n FROM runs`).get() as { n: number }).n;
}
