/**
 * The commit of an audit item (commit-audit.ts, reached through commitImage): commitImage's
 * claim rules, scores for exactly the job's categories, and nothing else written.
 */
import { describe, expect, it } from 'vitest';
import type { PredictionResult } from '../inference/types';
import { ProjectService } from '../services/project-service';
import { jobProject } from '../testing/job-projects';
import { useTmp } from '../testing/tmp';
import { claimNext } from './claims';
import { commitImage } from './commit-image';
import { getJob } from './job-store';
import { planJob } from './plan-job';
import { thisWorker, type WorkerIdentity } from './worker-identity';

const tmp = useTmp();

function otherWorker(name: string): WorkerIdentity {
  return { ...thisWorker(), id: `${thisWorker().id}:${name}` };
}

describe('commit of an audit item', () => {
  it('writes the scores and the item state only for the claim’s owner, once; a result that does not fit the job fails and writes nothing', async () => {
    const p = await jobProject(tmp(), 2);
    const svc = ProjectService.open(p);
    try {
      const info = await planJob(svc, { packs: ['uniter-fixture'], target: { kind: 'all' }, mode: 'audit' });
      const params = getJob(svc.pdb, info.jobId).params;
      expect(params.mode).toBe('audit');
      const [red, blue] = svc.listCategories();
      const result = (scores: { categoryId: number; rankLogit: number }[]): PredictionResult[] => [
        {
          packId: 'uniter-fixture',
          kind: 'uniter',
          width: 96,
          height: 72,
          detections: [],
          masks: [],
          ep: 'cpu',
          timings: { inferMs: 0, postMs: 0 },
          regions: 10,
          scores: scores.map((s) => ({ ...s, truncatedPieces: 0 })),
        },
      ];
      const good = result([
        { categoryId: red.id, rankLogit: 5 },
        { categoryId: blue.id, rankLogit: -5 },
      ]);
      const stored = () =>
        svc.pdb.db
          .prepare(`SELECT category_id, rank_logit, regions FROM audit_scores ORDER BY category_id`)
          .all();
      const A = otherWorker('A'),
        B = otherWorker('B');

      const item = claimNext(svc.pdb, info.jobId, A)!;
      const img = { imageId: item.imageId, width: item.width, height: item.height };
      expect(commitImage(svc.pdb, info.jobId, params, img, good, B.id)).toMatchObject({
        state: 'refused',
        reason: expect.stringContaining('claim was taken back'),
      });
      expect(commitImage(svc.pdb, info.jobId, params, img, good, null)).toMatchObject({
        state: 'refused',
        reason: 'a worker holds the item',
      });
      expect(stored()).toEqual([]);

      // A result missing a category, or scoring one that is not the job's, is an error: nothing written, the item still A's.
      expect(() =>
        commitImage(svc.pdb, info.jobId, params, img, result([{ categoryId: red.id, rankLogit: 5 }]), A.id),
      ).toThrow(/scored 1 of the job's 2 categories/);
      expect(() =>
        commitImage(
          svc.pdb,
          info.jobId,
          params,
          img,
          result([
            { categoryId: red.id, rankLogit: 5 },
            { categoryId: 99, rankLogit: 1 },
          ]),
          A.id,
        ),
      ).toThrow(/category 99/);
      expect(stored()).toEqual([]);

      expect(commitImage(svc.pdb, info.jobId, params, img, good, A.id)).toEqual({
        state: 'done',
        predictions: 0,
        annotations: 0,
      });
      expect(stored()).toEqual([
        { category_id: red.id, rank_logit: 5, regions: 10 },
        { category_id: blue.id, rank_logit: -5, regions: 10 },
      ]);
      // Once done, nobody commits it again.
      expect(commitImage(svc.pdb, info.jobId, params, img, good, A.id).state).toBe('refused');
      expect(commitImage(svc.pdb, info.jobId, params, img, good, null).state).toBe('refused');
      expect(stored()).toHaveLength(2);
      // Scores only: no predictions, no annotations, the image's status as it was.
      const counts = svc.pdb.db
        .prepare(
          `SELECT (SELECT count(*) FROM predictions) AS p, (SELECT count(*) FROM annotations) AS a, (SELECT status FROM images WHERE id = ?) AS s`,
        )
        .get(img.imageId);
      expect(counts).toEqual({ p: 0, a: 0, s: 'unlabeled' });
    } finally {
      svc.close();
    }
  }, 60_000);
});
