/**
 * Schema 6: a record of every dataset import, so that importing the same file twice (which
 * adds its annotations a second time) is noticed and refused unless asked for.
 *
 * `sha256` is the hash of the file's bytes; `file` where it was read from (informative: the
 * same content under another name is the same import). The counts are what that import
 * wrote. Not unique: a person may import the same content again on purpose (`--again`).
 * IF NOT EXISTS: tests (and a file whose user_version was set back by hand) replay
 * migrations over a schema that already has the table.
 */
export const sql = /* sql */ `
CREATE TABLE IF NOT EXISTS coco_imports (
  id          INTEGER PRIMARY KEY,
  sha256      TEXT NOT NULL,
  file        TEXT NOT NULL,
  imported_at INTEGER NOT NULL,
  images      INTEGER NOT NULL,
  annotations INTEGER NOT NULL,
  categories  INTEGER NOT NULL,
  run_id      INTEGER REFERENCES runs(id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS coco_imports_sha256 ON coco_imports(sha256);
`;
