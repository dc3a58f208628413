/**
 * Schema 7: annotation ids are the database's to assign. A client may name an id only to
 * restore an annotation it deleted on the same image (the editor's undo of a delete), so
 * every delete through the edit API leaves a tombstone here, and a restore consumes it.
 * Before this, a client could create an annotation with id 2^53−1 and poison every id after it.
 */
export const sql = /* sql */ `
CREATE TABLE IF NOT EXISTS deleted_annotations (
  id         INTEGER PRIMARY KEY,
  image_id   INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  deleted_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS deleted_annotations_image ON deleted_annotations(image_id);
`;
