import { describe, expect, it } from 'vitest';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectService } from './project-service';
import { writeImage } from '../testing/image-files';
import { useTmp } from '../testing/tmp';
import { caught } from '../testing/errors';

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

  it('discards an export that cannot be written and leaves no half file', async () => {
    const d = tmp();
    await writeImage(join(d, 'img', 'a.png'), 16, 16);
    const svc = ProjectService.create(join(d, 'p.lw'));
    await svc.addFolder(join(d, 'img'));
    svc.addCategories([{ name: 'a' }]);
    const out = join(d, 'out.json');
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', `${out}.partial`);
    const e = await caught(svc.exportCoco(out));
    expect(e.code).toBe('DISK_FULL');
    expect(e.message).toMatch(/disk is full while writing .*out\.json; the export was discarded/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    svc.close();
  });
});
