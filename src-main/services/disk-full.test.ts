import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ProjectService } from './project-service';
import { writeImage } from '../testing/write-image';
import { useTmp } from '../testing/tmp';
import { caught } from '../testing/expect-lw-error';

const tmp = useTmp();


describe('a full disk', () => {
  it('stops an add with a clear error and keeps the project consistent', async () => {
    const d = tmp();
    // Seeds repeat after 256: the width keeps every file's content distinct.
    for (let i = 0; i < 600; i++) await writeImage(join(d, 'img', `${String(i).padStart(3, '0')}.png`), 8 + (i >> 8), 8, { seed: i });
    const svc = ProjectService.create(join(d, 'p.lw'));
    // SQLite's page limit produces the same SQLITE_FULL a full disk does, without filling one.
    // Once the first batch of 256 is committed, the file may not grow any more.
    const e = await caught(
      svc.addFolder(join(d, 'img'), (p) => {
        if (p.done === 300) svc.pdb.db.pragma(`max_page_count = ${svc.pdb.db.pragma('page_count', { simple: true }) as number}`);
      }),
    );
    expect(e.code).toBe('DISK_FULL');
    // Whole batches or nothing: the failed batch left no rows behind, and the message counts what was kept.
    const n = svc.stats().images;
    expect(n).toBe(256);
    expect(e.message).toMatch(/disk .* is full: 256 image\(s\) were added before that and are kept; the other files were not added/);
    expect(svc.pdb.db.pragma('integrity_check', { simple: true })).toBe('ok');
    svc.close();
  });
});
