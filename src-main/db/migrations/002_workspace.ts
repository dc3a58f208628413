/**
 * Schema 2: what the annotator's workspace needs to stay fast and lossless.
 *
 * 1. Per-image counters (`annotation_count`, `pending_count`, `top_score`), maintained by
 *    triggers on `annotations`, so that every writer (editor, jobs, COCO import) keeps them
 *    right in its own transaction and `images.query` filters and sorts 100k images from
 *    one table. Counted annotations are those in state `pending` or `accepted`;
 *    `top_score` is their highest non-null score (NULL: no model output on the image).
 * 2. Category merges keep predictions: the merged category's predictions are re-pointed to
 *    the surviving category (their original category id is kept in `merged_from`), and the
 *    merge is recorded in `category_merges`. The immutability trigger is narrowed to allow
 *    exactly that re-pointing and nothing else: every other column stays frozen.
 */
export const sql = /* sql */ `
ALTER TABLE images ADD COLUMN annotation_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN pending_count INTEGER NOT NULL DEFAULT 0;
-- Not indexed on purpose: an index on the top score (or an expression over it) cut bulk
-- annotation inserts from ~180k to ~60k rows/s, while sorting 100k images by it without an
-- index costs ~30 ms (measured in bench/ui-data.bench.ts). The counters are not indexed
-- either: every annotation insert updates them.
ALTER TABLE images ADD COLUMN top_score REAL;

UPDATE images SET
  annotation_count = (SELECT count(*) FROM annotations a WHERE a.image_id = images.id AND a.state IN ('pending','accepted')),
  pending_count    = (SELECT count(*) FROM annotations a WHERE a.image_id = images.id AND a.state = 'pending'),
  top_score        = (SELECT max(a.score) FROM annotations a WHERE a.image_id = images.id AND a.state IN ('pending','accepted'));
-- category filter: images holding a counted annotation of a category
DROP INDEX annotations_category;
CREATE INDEX annotations_category_image ON annotations(category_id, state, image_id);

-- One UPDATE per insert (bulk jobs and imports go through here).
CREATE TRIGGER annotations_counts_insert AFTER INSERT ON annotations
WHEN NEW.state IN ('pending','accepted')
BEGIN
  UPDATE images SET
    annotation_count = annotation_count + 1,
    pending_count = pending_count + (NEW.state = 'pending'),
    top_score = CASE WHEN NEW.score IS NOT NULL AND (top_score IS NULL OR NEW.score > top_score) THEN NEW.score ELSE top_score END
  WHERE id = NEW.image_id;
END;

CREATE TRIGGER annotations_counts_delete AFTER DELETE ON annotations
WHEN OLD.state IN ('pending','accepted')
BEGIN
  UPDATE images SET
    annotation_count = annotation_count - 1,
    pending_count = pending_count - (OLD.state = 'pending')
  WHERE id = OLD.image_id;
  UPDATE images SET top_score = (SELECT max(score) FROM annotations WHERE image_id = OLD.image_id AND state IN ('pending','accepted'))
  WHERE id = OLD.image_id AND OLD.score IS NOT NULL AND OLD.score >= top_score;
END;

CREATE TRIGGER annotations_counts_update AFTER UPDATE OF state, score, image_id ON annotations
WHEN OLD.state IS NOT NEW.state OR OLD.score IS NOT NEW.score OR OLD.image_id IS NOT NEW.image_id
BEGIN
  UPDATE images SET
    annotation_count = annotation_count - (OLD.state IN ('pending','accepted')),
    pending_count = pending_count - (OLD.state = 'pending')
  WHERE id = OLD.image_id;
  UPDATE images SET
    annotation_count = annotation_count + (NEW.state IN ('pending','accepted')),
    pending_count = pending_count + (NEW.state = 'pending')
  WHERE id = NEW.image_id;
  -- the old row may have held the top score: recompute (the new row is already visible)
  UPDATE images SET top_score = (SELECT max(score) FROM annotations WHERE image_id = OLD.image_id AND state IN ('pending','accepted'))
  WHERE id = OLD.image_id AND OLD.state IN ('pending','accepted') AND OLD.score IS NOT NULL AND OLD.score >= top_score;
  UPDATE images SET top_score = NEW.score
  WHERE id = NEW.image_id AND NEW.state IN ('pending','accepted') AND NEW.score IS NOT NULL AND (top_score IS NULL OR NEW.score > top_score);
END;

-- ---------- category merges keep predictions ----------
ALTER TABLE predictions ADD COLUMN merged_from INTEGER;

CREATE TABLE category_merges (
  id         INTEGER PRIMARY KEY,
  from_id    INTEGER NOT NULL,
  from_name  TEXT    NOT NULL,
  into_id    INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
  merged_at  INTEGER NOT NULL
);
CREATE INDEX category_merges_pair ON category_merges(from_id, into_id);

DROP TRIGGER predictions_immutable;
-- Model output stays a record of what the model said. The one permitted change: a
-- categories.merge re-points category_id along a recorded merge, keeping the original id.
CREATE TRIGGER predictions_immutable BEFORE UPDATE ON predictions
WHEN NOT (
  NEW.id IS OLD.id AND NEW.run_id IS OLD.run_id AND NEW.image_id IS OLD.image_id
  AND NEW.x IS OLD.x AND NEW.y IS OLD.y AND NEW.w IS OLD.w AND NEW.h IS OLD.h
  AND NEW.rle IS OLD.rle AND NEW.area IS OLD.area AND NEW.score IS OLD.score
  AND NEW.phrase IS OLD.phrase AND NEW.created_at IS OLD.created_at
  AND NEW.merged_from IS ifnull(OLD.merged_from, OLD.category_id)
  AND EXISTS (SELECT 1 FROM category_merges m WHERE m.from_id = OLD.category_id AND m.into_id = NEW.category_id)
)
BEGIN SELECT RAISE(ABORT, 'predictions are immutable'); END;
`;
