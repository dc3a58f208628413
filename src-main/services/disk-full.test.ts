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
    for (let i = 0; i < 600; i++) await writeImage(join(d, 'img', `${String(i).padStart(3, '0')}.png`), 8, 8, { seed: i });
    const svc = ProjectService.create(join(d, 'p.lw'));
    // SQLite's page limit produces the same SQLITE_FULL a full disk does, without filling one.
    const pages = svc.pdb.db.pragma('page_count', { simple: true }) as number;
    svc.pdb.db.pragma(`max_page_count = ${pages + 12}`);
    const e = await caught(svc.addFolder(join(d, 'img')));
    expect(e.code).toBe('DISK_FULL');
    expect(e.message).toMatch(/disk .* is full; nothing was written/);
    // Whole batches or nothing: the failed batch left no rows behind.
    const n = svc.stats().images;
    expect(n % 256).toBe(0);
    expect(n).toBeLessThan(600);
    expect(svc.pdb.db.pragma('integrity_check', { simple: true })).toBe('ok');
    svc.close();
  });
});
