/**
 * Schema 11 (with the project settings below): what a job's model found but could not
 * file. A closed-set detector (Pix2seq) names classes from its own label list; a class that matches no project category is
 * dropped, and the job counts it here per class name. The counts are added in the same
 * transaction as the image's commit (jobs/commit-image.ts), so a resumed job, several
 * workers and a merge of shard results count each image exactly once.
 */
export const sql = /* sql */ `
CREATE TABLE IF NOT EXISTS job_dropped_classes (
  job_id     INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  class_name TEXT    NOT NULL,
  count      INTEGER NOT NULL CHECK (count > 0),
  PRIMARY KEY (job_id, class_name)
) WITHOUT ROWID;
`;

/**
 * Also in schema 11: the project's own settings, key → JSON value (services/project-settings.ts
 * defines the keys and their defaults), e.g. which Pix2seq pack suggests categories in the editor.
 */
export const settingsSql = /* sql */ `
CREATE TABLE IF NOT EXISTS project_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
`;
