/**
 * The `project_settings` table: the project's own settings, one JSON value per key. Which
 * keys exist and their defaults is the service layer's (services/project-settings.ts).
 */
import { stmt, type DbHandle } from './statements';

export function settingValues(h: DbHandle): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of stmt(h, `SELECT key, value FROM project_settings`).all() as { key: string; value: string }[]) out[r.key] = JSON.parse(r.value);
  return out;
}

/** Sets (or with undefined, removes) one setting. */
export function putSetting(h: DbHandle, key: string, value: unknown): void {
  if (value === undefined) stmt(h, `DELETE FROM project_settings WHERE key = ?`).run(key);
  else stmt(h, `INSERT INTO project_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(key, JSON.stringify(value));
}
