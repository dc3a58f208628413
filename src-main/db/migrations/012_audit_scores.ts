/**
 * Schema 12: UNITER's label audit. One row per image, category and audit run: the raw
 * `rank_logit` of the category's prompt text against the image (the run row carries the
 * pack id and its sha256, and in params_json the pack's default `auditThreshold`). Scores
 * are written with the job item's state in one transaction (jobs/commit-image.ts), so a
 * resumed, shared or merged audit stores each image's scores once.
 * `categories.audit_threshold` (rank_logit units) overrides the pack's default; null = default.
 *
 * The flags (likely missing, doubtful) depend on the annotations as they are now and on the
 * thresholds. Working them out from the scores at every read cost seconds at 100k images
 * (bench/ui-data.bench.ts), so they are kept up to date as things change, in the writing
 * transaction, and the rules live once, here:
 *
 * - `audit_latest`: per image and category, its latest score (greatest scored_at, then
 *   greatest run_id), the run's default threshold (its params_json's auditThreshold, 0 =
 *   sigmoid 0.5 without one), the category's own threshold, and `counted` = how many of the
 *   category's annotations on the image count (pending or accepted, the rule of the
 *   per-image annotation_count, schema 2). `threshold`, `kind` ('missing': score >=
 *   threshold and none counts; 'doubtful': one counts and score < threshold; null) and
 *   `suspicion` (how far past the threshold, in logits) are generated columns of those.
 *   Kept by triggers on audit_scores (insert), categories (audit_threshold) and annotations
 *   (update, delete); annotation INSERTs carry no trigger (schema 3: bulk inserts), the
 *   annotation writer refreshes `counted` with the image counters (images-table.ts
 *   refreshImageCounters).
 * - `audit_category_counts`: per category, its latest scores and how many are flagged
 *   missing and doubtful (the report's per-category counts); kept by triggers on audit_latest.
 * - `images.audit_missing`, `audit_doubtful` and `audit_rank` (minus the greatest suspicion
 *   of the image's flags, so that the most suspicious sorts first; +infinity without flags),
 *   beside the other per-image counters: the grid's audit filter and order, with an index
 *   for the order; kept by triggers on audit_latest.
 */

/** The audit rank of an image without flags: +infinity (SQLite reads a literal that large as such), last. */
const NO_FLAG_RANK = '9e999';

const COUNTS = (a: string) => `${a}.state IN ('pending','accepted')`;

/** The latest score of one image and category (NEW's) into audit_latest, counting its annotations. */
const LATEST_OF = (ref: 'NEW') => `
  INSERT INTO audit_latest (image_id, category_id, run_id, rank_logit, scored_at, run_threshold, category_threshold, counted)
  SELECT s.image_id, s.category_id, s.run_id, s.rank_logit, s.scored_at,
         (SELECT ifnull(json_extract(r.params_json, '$.auditThreshold'), 0) FROM runs r WHERE r.id = s.run_id),
         (SELECT c.audit_threshold FROM categories c WHERE c.id = s.category_id),
         (SELECT count(*) FROM annotations a WHERE a.category_id = s.category_id AND ${COUNTS('a')} AND a.image_id = s.image_id)
  FROM audit_scores s WHERE s.image_id = ${ref}.image_id AND s.category_id = ${ref}.category_id
  ORDER BY s.scored_at DESC, s.run_id DESC LIMIT 1
  ON CONFLICT (image_id, category_id) DO UPDATE SET
    run_id = excluded.run_id, rank_logit = excluded.rank_logit, scored_at = excluded.scored_at,
    run_threshold = excluded.run_threshold, counted = excluded.counted;`;

/** Recounts one image's flags (NEW's or OLD's) into its audit columns. */
const IMAGE_OF = (ref: 'NEW' | 'OLD') => `
  UPDATE images SET (audit_missing, audit_doubtful, audit_rank) = (
    SELECT ifnull(sum(l.kind = 'missing'), 0), ifnull(sum(l.kind = 'doubtful'), 0),
           ifnull(-max(CASE WHEN l.kind IS NOT NULL THEN l.suspicion END), ${NO_FLAG_RANK})
    FROM audit_latest l WHERE l.image_id = images.id)
  WHERE id = ${ref}.image_id;`;

/**
 * One latest score (NEW or OLD) more (+) or less (-) in its category's counts. A category
 * being deleted is gone already when its scores cascade: nothing to count then.
 */
const CATEGORY_BY = (ref: 'NEW' | 'OLD', by: '+' | '-') => `
  INSERT INTO audit_category_counts (category_id, scored, missing, doubtful)
  SELECT ${ref}.category_id, ${by}1, ${by}(${ref}.kind IS 'missing'), ${by}(${ref}.kind IS 'doubtful')
  WHERE EXISTS (SELECT 1 FROM categories c WHERE c.id = ${ref}.category_id)
  ON CONFLICT (category_id) DO UPDATE SET scored = scored + excluded.scored,
    missing = missing + excluded.missing, doubtful = doubtful + excluded.doubtful;`;

/** One annotation (NEW or OLD) more (+1) or less (-1) in its pair's `counted`, when it counts. */
const COUNT_BY = (ref: 'NEW' | 'OLD', by: '+' | '-') => `
  UPDATE audit_latest SET counted = counted ${by} 1
  WHERE image_id = ${ref}.image_id AND category_id = ${ref}.category_id AND ${COUNTS(ref)};`;

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
CREATE INDEX IF NOT EXISTS audit_scores_latest ON audit_scores (image_id, category_id, scored_at DESC, run_id DESC);
ALTER TABLE categories ADD COLUMN audit_threshold REAL;

CREATE TABLE audit_latest (
  image_id           INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  category_id        INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
  run_id             INTEGER NOT NULL REFERENCES runs(id),
  rank_logit         REAL    NOT NULL,
  scored_at          INTEGER NOT NULL,
  run_threshold      REAL    NOT NULL,
  category_threshold REAL,
  counted            INTEGER NOT NULL DEFAULT 0,
  threshold REAL GENERATED ALWAYS AS (ifnull(category_threshold, run_threshold)) VIRTUAL,
  kind TEXT GENERATED ALWAYS AS (CASE WHEN counted = 0 AND rank_logit >= threshold THEN 'missing'
                                      WHEN counted > 0 AND rank_logit < threshold THEN 'doubtful' END) STORED,
  suspicion REAL GENERATED ALWAYS AS (CASE WHEN counted > 0 THEN threshold - rank_logit ELSE rank_logit - threshold END) STORED,
  PRIMARY KEY (image_id, category_id)
) WITHOUT ROWID;
-- By category, most recent first: a threshold set on a category, and its pack default (the
-- run of its most recent score). No index holds kind or suspicion: SQLite looks the row up
-- for each entry of an index on a generated column, 6x slower than a scan (1M rows, 0.8 s).
CREATE INDEX audit_latest_category ON audit_latest (category_id, scored_at DESC, run_id DESC);

CREATE TABLE audit_category_counts (
  category_id INTEGER PRIMARY KEY REFERENCES categories(id) ON DELETE CASCADE,
  scored      INTEGER NOT NULL DEFAULT 0,
  missing     INTEGER NOT NULL DEFAULT 0,
  doubtful    INTEGER NOT NULL DEFAULT 0
);

ALTER TABLE images ADD COLUMN audit_missing INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN audit_doubtful INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN audit_rank REAL NOT NULL DEFAULT ${NO_FLAG_RANK};
-- The grid's audit order (images-table.ts). Plain columns, not expressions: the editor's
-- neighbours compare row values, which seek an index of columns and scan one of expressions.
CREATE INDEX images_audit_order ON images (audit_rank, path);

CREATE TRIGGER audit_scores_latest_insert AFTER INSERT ON audit_scores
BEGIN ${LATEST_OF('NEW')} END;

CREATE TRIGGER audit_threshold_update AFTER UPDATE OF audit_threshold ON categories
WHEN OLD.audit_threshold IS NOT NEW.audit_threshold
BEGIN UPDATE audit_latest SET category_threshold = NEW.audit_threshold WHERE category_id = NEW.id; END;

CREATE TRIGGER audit_annotations_delete AFTER DELETE ON annotations
WHEN ${COUNTS('OLD')}
BEGIN ${COUNT_BY('OLD', '-')} END;

CREATE TRIGGER audit_annotations_update AFTER UPDATE OF state, image_id, category_id ON annotations
WHEN OLD.state IS NOT NEW.state OR OLD.image_id IS NOT NEW.image_id OR OLD.category_id IS NOT NEW.category_id
BEGIN ${COUNT_BY('OLD', '-')} ${COUNT_BY('NEW', '+')} END;

CREATE TRIGGER audit_latest_insert AFTER INSERT ON audit_latest
BEGIN ${IMAGE_OF('NEW')} ${CATEGORY_BY('NEW', '+')} END;

CREATE TRIGGER audit_latest_update AFTER UPDATE ON audit_latest
WHEN OLD.kind IS NOT NEW.kind OR OLD.suspicion IS NOT NEW.suspicion
BEGIN ${IMAGE_OF('NEW')} ${CATEGORY_BY('OLD', '-')} ${CATEGORY_BY('NEW', '+')} END;

CREATE TRIGGER audit_latest_delete AFTER DELETE ON audit_latest
BEGIN ${IMAGE_OF('OLD')} ${CATEGORY_BY('OLD', '-')} END;
`;
