/**
 * Schema 1. Migrations are numbered TypeScript modules holding SQL text so that they
 * travel inside every bundle (CLI, Electron main, worker) without asset copying.
 *
 * Boxes are COCO [x, y, w, h] in continuous pixel coordinates (origin at the top-left
 * corner of the top-left pixel). Masks are COCO compressed RLE strings at image size.
 */
export const sql = /* sql */ `
CREATE TABLE images (
  id          INTEGER PRIMARY KEY,
  path        TEXT    NOT NULL UNIQUE,
  hash        TEXT    NOT NULL UNIQUE,
  width       INTEGER NOT NULL CHECK (width > 0),
  height      INTEGER NOT NULL CHECK (height > 0),
  bytes       INTEGER NOT NULL,
  format      TEXT    NOT NULL,
  orientation INTEGER NOT NULL DEFAULT 1,
  status      TEXT    NOT NULL DEFAULT 'unlabeled'
              CHECK (status IN ('unlabeled','prelabeled','in_progress','reviewed')),
  -- set when a person edits anything on the image; bulk jobs never overwrite such images
  human_touched_at INTEGER,
  added_at    INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX images_status ON images(status);

-- AUTOINCREMENT: a removed category's id is never handed out again, so exported ids stay stable.
CREATE TABLE categories (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT NOT NULL,
  name_key      TEXT NOT NULL UNIQUE,
  color         TEXT NOT NULL,
  prompt        TEXT NOT NULL,
  threshold     REAL CHECK (threshold IS NULL OR (threshold >= 0 AND threshold <= 1)),
  supercategory TEXT,
  hotkey        TEXT,
  created_at    INTEGER NOT NULL
);

CREATE TABLE runs (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL CHECK (kind IN ('model','import')),
  pack_id      TEXT,
  pack_sha256  TEXT,
  params_json  TEXT NOT NULL DEFAULT '{}',
  prompt       TEXT,
  created_at   INTEGER NOT NULL
);

CREATE TABLE predictions (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  image_id    INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
  rle         TEXT,
  area        REAL NOT NULL,
  score       REAL NOT NULL,
  phrase      TEXT,
  created_at  INTEGER NOT NULL
);
CREATE INDEX predictions_image ON predictions(image_id);
CREATE INDEX predictions_run ON predictions(run_id);
-- Model output is a record of what the model said; we measure corrections against it.
CREATE TRIGGER predictions_immutable BEFORE UPDATE ON predictions
BEGIN SELECT RAISE(ABORT, 'predictions are immutable'); END;

CREATE TABLE annotations (
  id            INTEGER PRIMARY KEY,
  image_id      INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  category_id   INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
  rle           TEXT,
  area          REAL NOT NULL,
  source        TEXT NOT NULL CHECK (source IN ('human','model','model-edited')),
  state         TEXT NOT NULL CHECK (state IN ('pending','accepted','rejected','archived')),
  prediction_id INTEGER REFERENCES predictions(id) ON DELETE SET NULL,
  score         REAL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
-- (image_id) plus the implicit rowid orders rows by (image_id, id): exports stream without sorting.
CREATE INDEX annotations_image ON annotations(image_id);
CREATE INDEX annotations_category ON annotations(category_id);
CREATE INDEX annotations_prediction ON annotations(prediction_id);

CREATE TABLE jobs (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending','running','paused','cancelled','done','failed')),
  params_json  TEXT NOT NULL,
  error        TEXT,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);

CREATE TABLE job_items (
  job_id      INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  image_id    INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  state       TEXT NOT NULL CHECK (state IN ('pending','running','done','failed','skipped')),
  error       TEXT,
  attempts    INTEGER NOT NULL DEFAULT 0,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (job_id, image_id)
) WITHOUT ROWID;
CREATE INDEX job_items_state ON job_items(job_id, state);
`;
