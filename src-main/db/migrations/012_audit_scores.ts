/**
 * Schema 12: UNITER's label audit. One row per image, category and audit run: the raw
 * `rank_logit` of the category's prompt text against the image (the run row carries the
 * pack id and its sha256, and in params_json the pack's default `auditThreshold`). Scores
 * are written with the job item's state in one transaction (jobs/commit-image.ts), so a
 * resumed, shared or merged audit stores each image's scores once.
 *
 * Flags (likely missing, doubtful) are NOT stored: they depend on the annotations as they
 * are now and on the thresholds, so they are worked out when read (db/audit-reads.ts).
 * `categories.audit_threshold` (rank_logit units) overrides the pack's default; null = default.
 */
export const sql = /* sql */ `
CREATE TABLE IF NOT EXISTS audit_scores (
  image_id         INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  category_id      INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
  run_id           INTEGER NOT NULL REFERENCES runs(id),
  rank_logit       REAL    NOT NULL,
  regions          INTEGER NOT NULL CHECK (regions >= 0),
  truncated_pieces INTEGER NOT NULL DEFAULT 0,
  scored_at        INTEGER NOT NULL,
  PRIMARY KEY (image_id, category_id, run_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_scores_latest ON audit_scores (image_id, category_id, scored_at DESC);
CREATE INDEX IF NOT EXISTS audit_scores_by_category ON audit_scores (category_id);
ALTER TABLE categories ADD COLUMN audit_threshold REAL;
`;
