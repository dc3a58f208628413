/**
 * `audit.report` over RPC (served from the session's read thread) with a `limit`: the first
 * flags of the whole list, most suspicious first, while the counts stay whole; 0 gives the
 * counts alone (what the threshold screen asks for).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useTmp } from '../testing/tmp';
import { serveProject, type ServedProject } from '../testing/served-project';
import { insertImages } from '../testing/workspace-fixture';
import { insertModelRun } from '../db/runs-table';
import { insertAuditScores } from '../db/audit-table';

const tmp = useTmp();
const open: ServedProject[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('audit.report with a limit', () => {
  it('cuts the list of flags, not the counts; 0 gives the counts alone', async () => {
    const srv = await serveProject(tmp());
    open.push(srv);
    const { client, project } = srv;
    const red = (await client.call('categories.add', { name: 'red' })).id;
    const ids = insertImages(
      project,
      ['a', 'b', 'c', 'd', 'e'].map((n) => ({ path: `/imgs/${n}.png` })),
    );
    const run = project.pdb.tx(() =>
      insertModelRun(project.pdb, { packId: 'uniter-fixture', packSha256: 'x', paramsJson: JSON.stringify({ auditThreshold: 0 }), prompt: '' }, 0),
    );
    // no red annotation anywhere: every score >= 0 is likely missing, by how far past 0
    const logits = [0.5, 3, -1, 2, 1];
    project.pdb.tx(() =>
      insertAuditScores(
        project.pdb,
        ids.map((imageId, i) => ({ imageId, categoryId: red, runId: run, rankLogit: logits[i], regions: 1, truncatedPieces: 0, scoredAt: 1 })),
      ),
    );
    const whole = await client.call('audit.report', {});
    expect(whole.flags.map((f) => [f.imageName, f.suspicion])).toEqual([
      ['b.png', 3],
      ['d.png', 2],
      ['e.png', 1],
      ['a.png', 0.5],
    ]);
    const two = await client.call('audit.report', { limit: 2 });
    expect(two.flags).toEqual(whole.flags.slice(0, 2));
    const none = await client.call('audit.report', { limit: 0 });
    expect(none.flags).toEqual([]);
    for (const r of [two, none]) {
      expect(r.categories).toEqual(whole.categories);
      expect(r.scoredImages).toBe(5);
    }
    expect(whole.categories.map((c) => [c.name, c.likelyMissing, c.doubtful, c.scoredImages, c.threshold])).toEqual([['red', 4, 0, 5, 0]]);
    await expect(client.call('audit.report', { limit: -1 } as never)).rejects.toThrow();
  });
});
