/**
 * Schema 10: the COCO `iscrowd` flag per annotation (a region of many objects, such as a
 * crowd, exported with an RLE segmentation as COCO requires). 0 for every existing row.
 *
 * Code, not SQL text: ALTER TABLE has no IF NOT EXISTS, and tests (or a file whose
 * user_version was set back by hand) may replay migrations over a schema that has it.
 */
import type Database from 'better-sqlite3';

export function run(db: Database.Database): void {
  const cols = db.prepare(`SELECT name FROM pragma_table_info('annotations')`).all() as { name: string }[];
  if (!cols.some((c) => c.name === 'iscrowd'))
    db.exec(`ALTER TABLE annotations ADD COLUMN iscrowd INTEGER NOT NULL DEFAULT 0 CHECK (iscrowd IN (0, 1))`);
}
