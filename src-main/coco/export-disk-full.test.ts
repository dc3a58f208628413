import { describe, expect, it } from 'vitest';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectService } from '../services/project-service';
import { exportCoco } from './export';
import { writeImage } from '../testing/write-image';
import { useTmp } from '../testing/tmp';
import { caught } from '../testing/expect-lw-error';

const tmp = useTmp();

// Moved here from services/disk-full.test.ts: coco/ sits above services/, so services' tests do not import it.
describe('a full disk', () => {
  it('discards an export that cannot be written and leaves no half file', async () => {
    const d = tmp();
    await writeImage(join(d, 'img', 'a.png'), 16, 16);
    const svc = ProjectService.create(join(d, 'p.lw'));
    await svc.addFolder(join(d, 'img'));
    svc.addCategories([{ name: 'a' }]);
    const out = join(d, 'out.json');
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', `${out}.partial`);
    const e = await caught(exportCoco(svc, out));
    expect(e.code).toBe('DISK_FULL');
    expect(e.message).toMatch(/disk is full while writing .*out\.json; the export was discarded/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    svc.close();
  });
});
