/**
 * Schema 4: failures are visible, and triage ranks by the prediction most likely wrong.
 *
 * 1. `file_state`: what the last check of the image's file found ('ok' until a check finds
 *    otherwise; see services/image-files.ts). `file_mtime` is the file's modification time
 *    (ms) when its content hash was last verified, so the lazy check re-hashes a file only
 *    when it was touched since (NULL: never verified since it was added; `added_at` stands in).
 * 2. `uncertainty`: the smallest |score − threshold| over the image's pending predictions,
 *    the threshold being the category's own or the default 0.5 (DEFAULT_THRESHOLD in
 *    inference/glip/postprocess.ts, written out here because a migration is frozen text).
 *    NULL without a scored pending prediction. Kept like the schema-2 counters: bulk inserts
 *    recompute it in refreshImageCounters (db/images-table.ts), the triggers below cover
 *    single updates and deletes and threshold changes. Not indexed, like top_score (see 002).
 */
const UNCERTAINTY_OF = (imageId: string) => `(SELECT min(abs(a.score - ifnull(c.threshold, 0.5)))
     FROM annotations a JOIN categories c ON c.id = a.category_id
     WHERE a.image_id = ${imageId} AND a.state = 'pending' AND a.score IS NOT NULL)`;

export const sql = /* sql */ `
ALTER TABLE images ADD COLUMN file_state TEXT NOT NULL DEFAULT 'ok'
  CHECK (file_state IN ('ok','missing','unreadable','changed'));
ALTER TABLE images ADD COLUMN file_mtime REAL;
ALTER TABLE images ADD COLUMN uncertainty REAL;

UPDATE images SET uncertainty = ${UNCERTAINTY_OF('images.id')};

CREATE TRIGGER annotations_uncertainty_delete AFTER DELETE ON annotations
WHEN OLD.state = 'pending'
BEGIN
  UPDATE images SET uncertainty = ${UNCERTAINTY_OF('OLD.image_id')} WHERE id = OLD.image_id;
END;

CREATE TRIGGER annotations_uncertainty_update AFTER UPDATE OF state, score, image_id, category_id ON annotations
WHEN (OLD.state = 'pending' OR NEW.state = 'pending')
  AND (OLD.state IS NOT NEW.state OR OLD.score IS NOT NEW.score OR OLD.image_id IS NOT NEW.image_id OR OLD.category_id IS NOT NEW.category_id)
BEGIN
  UPDATE images SET uncertainty = ${UNCERTAINTY_OF('images.id')} WHERE id IN (OLD.image_id, NEW.image_id);
END;

CREATE TRIGGER categories_threshold_uncertainty AFTER UPDATE OF threshold ON categories
WHEN OLD.threshold IS NOT NEW.threshold
BEGIN
  UPDATE images SET uncertainty = ${UNCERTAINTY_OF('images.id')}
  WHERE id IN (SELECT image_id FROM annotations WHERE category_id = NEW.id AND state = 'pending');
END;
`;
