import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ProjectDb } from './project-db';
import { annotationWriter } from './annotations-table';
import { useTmp } from '../testing/tmp';
import { inconsistentCounters } from '../testing/counters';

const tmp = useTmp();

describe('per-image counters', () => {
  // Below 5,000 touched images the counters are refreshed image by image, above it in one
  // grouped pass over the table: both must agree with a naive recount, in every state mix.
  it.each([40, 6_000])('agree with a naive recount after a bulk insert touching %i images', (images) => {
    const pdb = ProjectDb.open(join(tmp(), 'p.lw'), { create: true });
    pdb.tx(() => {
      const img = pdb.db.prepare(`INSERT INTO images (path, hash, width, height, bytes, format, added_at, updated_at) VALUES (?, ?, 100, 80, 1, 'png', 0, 0)`);
      for (let i = 1; i <= images + 5; i++) img.run(`/x/${i}.png`, `h${i}`); // 5 images stay empty
      pdb.db.prepare(`INSERT INTO categories (name, name_key, color, prompt, threshold, created_at) VALUES ('a', 'a', '#ff0000', 'a', 0.8, 0), ('b', 'b', '#00ff00', 'b', NULL, 0)`).run();
      const w = annotationWriter(pdb);
      const states = ['pending', 'accepted', 'rejected', 'archived'] as const;
      for (let i = 0; i < images * 3; i++)
        w.insert({
          imageId: 1 + (i % images),
          categoryId: 1 + (i % 2),
          bbox: [1, 1, 5, 5],
          rle: null,
          area: 25,
          source: 'model',
          state: states[(i * 7) % 4],
          score: i % 5 === 0 ? null : ((i * 37) % 100) / 100,
        });
      w.finish();
    });
    expect(inconsistentCounters(pdb.db)).toEqual([]);
    const withPending = pdb.db.prepare(`SELECT count(*) AS n FROM images WHERE pending_count > 0 AND uncertainty IS NOT NULL`).get() as { n: number };
    expect(withPending.n).toBeGreaterThan(0);
    pdb.close();
  });
});
