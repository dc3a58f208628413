import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProjectService } from '../services/project-service';
import { LocalJobService } from './local-job-service';
import { useTmp } from '../testing/tmp';
import { writeFileSync } from 'node:fs';
import { BLUE, RED, plantedImage } from '../testing/planted-images';

const tmp = useTmp();

describe('a full disk during pre-labeling (issue 10, item 11)', () => {
  it('pauses the job with what was kept; no item is left running; resuming with room finishes it', async () => {
    const d = tmp();
    const img = join(d, 'img');
    mkdirSync(img);
    // Many red and blue boxes per image: every image's output needs new pages.
    const rects = Array.from({ length: 12 }, (_, k) => ({ x: 10 + (k % 4) * 75, y: 10 + Math.floor(k / 4) * 75, w: 40 + k, h: 40, colour: k % 2 ? RED : BLUE }));
    const png = await plantedImage(320, 240, rects);
    for (let i = 0; i < 30; i++) writeFileSync(join(img, `${String(i).padStart(2, '0')}.png`), Buffer.concat([png, Buffer.from([i])]));
    const svc = ProjectService.create(join(d, 'p.lw'));
    await svc.addFolder(img);
    svc.addCategories([{ name: 'red' }, { name: 'blue' }]);
    const jobs = new LocalJobService(svc);
    try {
      const started = await jobs.start({ packs: ['glip-fixture'], target: { kind: 'unlabeled' } });
      // Once a few images are in, the file may not grow any more: SQLite's page limit gives
      // the SQLITE_FULL a full disk gives (the WAL is checkpointed into the file so it must grow).
      const off = jobs.onProgress((p) => {
        if (p.done >= 2) {
          svc.pdb.db.pragma('wal_checkpoint(TRUNCATE)');
          svc.pdb.db.pragma(`max_page_count = ${svc.pdb.db.pragma('page_count', { simple: true }) as number}`);
          svc.pdb.db.pragma('wal_autocheckpoint = 1');
          off();
        }
      });
      const info = await jobs.whenSettled(started.jobId);
      expect(info.state).toBe('paused');
      expect(info.done).toBeGreaterThanOrEqual(2);
      expect(info.done).toBeLessThan(30);
      const halt = jobs.haltedBy(started.jobId)!;
      expect(halt.code).toBe('DISK_FULL');
      expect(halt.message).toMatch(new RegExp(`disk holding .* is full: pre-labeling paused\\. ${info.done} image\\(s\\) done and saved; the image in flight \\(\\d+\\.png\\) was not and is pending again; ${30 - info.done} left to do\\.`));
      expect(svc.pdb.db.prepare(`SELECT count(*) AS n FROM job_items WHERE state = 'running'`).get()).toEqual({ n: 0 });
      expect(svc.pdb.db.prepare(`SELECT count(DISTINCT image_id) AS n FROM predictions`).get()).toEqual({ n: info.done });

      svc.pdb.db.pragma('max_page_count = 1073741823');
      await jobs.resume(started.jobId);
      expect(await jobs.whenSettled(started.jobId)).toMatchObject({ state: 'done', done: 30, failed: 0 });
      expect(jobs.haltedBy(started.jobId)).toBeUndefined();
    } finally {
      await jobs.close();
      svc.close();
    }
  }, 120_000);
});
