import { sql as m001 } from './001_initial';
import { sql as m002 } from './002_workspace';
import { sql as m003 } from './003_bulk_counters';
import { sql as m004 } from './004_file_state_uncertainty';
import { run as m005 } from './005_masks_fit_boxes';
import { sql as m007 } from './007_deleted_annotations';
import { sql as m006 } from './006_coco_imports';
import { sql as m008 } from './008_job_claims';
import { sql as m010 } from './010_iscrowd';
import { sql as m011, settingsSql as m011Settings } from './011_job_dropped_classes';
import { sql as m012 } from './012_audit_scores';
import type Database from 'better-sqlite3';

/**
 * Applied in order at open; each runs in its own transaction and bumps PRAGMA user_version.
 * A migration is SQL text, or code (`run`) where the change needs the app's own rules.
 */
export const migrations: ({ version: number; sql: string } | { version: number; run: (db: Database.Database) => void })[] = [
  { version: 1, sql: m001 },
  { version: 2, sql: m002 },
  { version: 3, sql: m003 },
  { version: 4, sql: m004 },
  { version: 5, run: m005 },
  { version: 6, sql: m006 },
  { version: 7, sql: m007 },
  { version: 8, sql: m008 },
  { version: 10, sql: m010 },
  { version: 11, sql: m011 + m011Settings },
  { version: 12, sql: m012 },
];

export const LATEST_SCHEMA = migrations[migrations.length - 1].version;
