/**
 * The UNITER audit as people read it, over RPC on a real served project: scores stored as
 * the audit job stores them (insertAuditScores), flags worked out from them with numbers
 * worked by hand, and the flags following the annotations and thresholds at once.
 *
 * The project: categories red, blue, green; images a, b, c, d (path order). Two audit runs:
 * run 1 (auditThreshold 1.0, scored at t=1000) and a later run 2 (auditThreshold 2.0, t=2000).
 *
 *   image  category  latest score (run)     annotations that count  verdict (threshold)
 *   a      red       3.5  (1)               none                    missing  2.5  (1.0)
 *   a      blue      -1.0 (1)               1 (a person's)          doubtful 2.0  (1.0)
 *   a      green     0.5  (1)               none                    -             (1.0)
 *   b      red       1.2  (2; run 1 had 1.5) none                   -             (2.0)
 *   b      blue      4.0  (1)               1 (a person's)          -             (1.0)
 *   b      green     5.5  (1)               none                    missing  4.5  (1.0)
 *   c      red       -3.0 (1)               1 (pending, a model's)  doubtful 4.0  (1.0)
 *   c      green     1.0  (1)               none                    missing  0    (1.0: at the threshold)
 *   d      (not scored)
 *
 * Had run 1's 1.5 for b/red won, b/red would be missing (0.5): the later run's 1.2 wins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditFlag, ImageQuery } from '../shared/api';
import { useTmp } from '../testing/tmp';
import { serveProject, type ServedProject } from '../testing/served-project';
import { insertImages, insertPredictions } from '../testing/workspace-fixture';
import { caught } from '../testing/expect-lw-error';
import { insertModelRun } from '../db/runs-table';
import { insertAuditScores, type AuditScoreRow } from '../db/audit-table';

const tmp = useTmp();
const open: ServedProject[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function auditedProject() {
  const srv = await serveProject(tmp());
  open.push(srv);
  const { client, project } = srv;
  const [red, blue, green] = await Promise.all(
    ['red', 'blue', 'green'].map((name) => client.call('categories.add', { name })),
  ).then((cs) => cs.map((c) => c.id));
  const [a, b, c, d] = insertImages(
    project,
    ['a', 'b', 'c', 'd'].map((n) => ({ path: `/imgs/${n}.png` })),
  );
  // a and b: a person's blue box; c: a pending red box from a detector.
  for (const img of [a, b])
    await client.call('annotations.apply', {
      imageId: img,
      changes: [{ op: 'create', categoryId: blue, bbox: [1, 1, 10, 10] }],
    });
  insertPredictions(project, [{ imageId: c, categoryId: red, bbox: [5, 5, 20, 20], score: 0.9 }]);

  const run = (auditThreshold: number) =>
    project.pdb.tx(() =>
      insertModelRun(
        project.pdb,
        {
          packId: 'uniter-fixture',
          packSha256: `sha-${auditThreshold}`,
          paramsJson: JSON.stringify({ auditThreshold }),
          prompt: '',
        },
        0,
      ),
    );
  const run1 = run(1.0);
  const run2 = run(2.0);
  const score = (imageId: number, categoryId: number, runId: number, rankLogit: number): AuditScoreRow => ({
    imageId,
    categoryId,
    runId,
    rankLogit,
    regions: 10,
    truncatedPieces: 0,
    scoredAt: runId === run1 ? 1000 : 2000,
  });
  project.pdb.tx(() =>
    insertAuditScores(project.pdb, [
      score(a, red, run1, 3.5),
      score(a, blue, run1, -1.0),
      score(a, green, run1, 0.5),
      score(b, red, run1, 1.5),
      score(b, red, run2, 1.2),
      score(b, blue, run1, 4.0),
      score(b, green, run1, 5.5),
      score(c, red, run1, -3.0),
      score(c, green, run1, 1.0),
    ]),
  );
  return { srv, client, red, blue, green, a, b, c, d, run1, run2 };
}

const brief = (f: AuditFlag) => [f.imageName, f.name, f.kind, f.suspicion];

describe('audit flags over RPC', () => {
  it('reports likely missing and doubtful pairs, most suspicious first, with per-category thresholds and counts', async () => {
    const { client, red, blue, green, a, run1 } = await auditedProject();
    const report = await client.call('audit.report', {});
    expect(report.flags.map(brief)).toEqual([
      ['b.png', 'green', 'missing', 4.5],
      ['c.png', 'red', 'doubtful', 4.0],
      ['a.png', 'red', 'missing', 2.5],
      ['a.png', 'blue', 'doubtful', 2.0],
      ['c.png', 'green', 'missing', 0],
    ]);
    expect(report.flags[2]).toEqual({
      imageId: a,
      imageName: 'a.png',
      categoryId: red,
      name: 'red',
      kind: 'missing',
      rankLogit: 3.5,
      threshold: 1.0,
      suspicion: 2.5,
      annotations: 0,
      packId: 'uniter-fixture',
      packSha256: 'sha-1',
      runId: run1,
      scoredAt: 1000,
    });
    expect(report.flags[1].annotations).toBe(1); // the pending model box counts
    expect(report.scoredImages).toBe(3);
    // red's default is the threshold of the run of its most recent score (b's, run 2).
    expect(report.categories).toEqual([
      {
        categoryId: red,
        name: 'red',
        threshold: 2.0,
        thresholdSource: 'pack',
        scoredImages: 3,
        likelyMissing: 1,
        doubtful: 1,
      },
      {
        categoryId: blue,
        name: 'blue',
        threshold: 1.0,
        thresholdSource: 'pack',
        scoredImages: 2,
        likelyMissing: 0,
        doubtful: 1,
      },
      {
        categoryId: green,
        name: 'green',
        threshold: 1.0,
        thresholdSource: 'pack',
        scoredImages: 3,
        likelyMissing: 2,
        doubtful: 0,
      },
    ]);
  });

  it("shows one image's flags and every category's latest score; an unknown image is NOT_FOUND", async () => {
    const { client, red, blue, green, a, b, d } = await auditedProject();
    const ia = await client.call('audit.image', { imageId: a });
    expect(ia.flags.map(brief)).toEqual([
      ['a.png', 'red', 'missing', 2.5],
      ['a.png', 'blue', 'doubtful', 2.0],
    ]);
    expect(ia.scores).toEqual([
      { categoryId: red, name: 'red', rankLogit: 3.5, threshold: 1.0 },
      { categoryId: blue, name: 'blue', rankLogit: -1.0, threshold: 1.0 },
      { categoryId: green, name: 'green', rankLogit: 0.5, threshold: 1.0 },
    ]);
    // the later run's score and its run's threshold
    expect((await client.call('audit.image', { imageId: b })).scores[0]).toEqual({
      categoryId: red,
      name: 'red',
      rankLogit: 1.2,
      threshold: 2.0,
    });
    const id = await client.call('audit.image', { imageId: d });
    expect(id.flags).toEqual([]);
    expect(id.scores.map((s) => [s.rankLogit, s.threshold])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
    expect((await caught(client.call('audit.image', { imageId: 999 }))).code).toBe('NOT_FOUND');
  });

  it('of two scores made at the same time, the later run (greater id) counts', async () => {
    const { srv, client, red, d, run1, run2 } = await auditedProject();
    const at = (runId: number, rankLogit: number): AuditScoreRow => ({
      imageId: d,
      categoryId: red,
      runId,
      rankLogit,
      regions: 3,
      truncatedPieces: 0,
      scoredAt: 3000,
    });
    // run 2 (threshold 2.0) says 2.5, run 1 (threshold 1.0) says -4: run 2's verdict, missing by 0.5
    srv.project.pdb.tx(() => insertAuditScores(srv.project.pdb, [at(run2, 2.5), at(run1, -4)]));
    expect(
      (await client.call('audit.image', { imageId: d })).flags.map((f) => [
        f.name,
        f.kind,
        f.rankLogit,
        f.threshold,
        f.runId,
      ]),
    ).toEqual([['red', 'missing', 2.5, 2.0, run2]]);
  });

  it("a category's own threshold wins over its runs' defaults; null restores them", async () => {
    const { client, red, c } = await auditedProject();
    const redFlags = async () =>
      (await client.call('audit.report', {})).flags.filter((f) => f.categoryId === red).map(brief);

    expect(await client.call('audit.setThreshold', { categoryId: red, threshold: 3.0 })).toEqual({
      categoryId: red,
      name: 'red',
      threshold: 3.0,
      thresholdSource: 'category',
      scoredImages: 3,
      likelyMissing: 1,
      doubtful: 1,
    });
    expect(await redFlags()).toEqual([
      ['c.png', 'red', 'doubtful', 6.0],
      ['a.png', 'red', 'missing', 0.5],
    ]);

    // 3.5 < 4: a/red is no longer likely missing
    const row = await client.call('audit.setThreshold', { categoryId: red, threshold: 4.0 });
    expect([row.likelyMissing, row.doubtful]).toEqual([0, 1]);
    expect(await redFlags()).toEqual([['c.png', 'red', 'doubtful', 7.0]]);
    expect((await client.call('audit.image', { imageId: c })).scores[0].threshold).toBe(4.0);

    const back = await client.call('audit.setThreshold', { categoryId: red, threshold: null });
    expect([back.threshold, back.thresholdSource, back.likelyMissing, back.doubtful]).toEqual([
      2.0,
      'pack',
      1,
      1,
    ]);
    expect(await redFlags()).toEqual([
      ['c.png', 'red', 'doubtful', 4.0],
      ['a.png', 'red', 'missing', 2.5],
    ]);
  });

  it('refuses an unknown category and a threshold that is not a finite number, changing nothing', async () => {
    const { client, red } = await auditedProject();
    expect((await caught(client.call('audit.setThreshold', { categoryId: 999, threshold: 1 }))).code).toBe(
      'NOT_FOUND',
    );
    for (const threshold of [Infinity, -Infinity, NaN]) {
      const e = await caught(client.call('audit.setThreshold', { categoryId: red, threshold }));
      expect(e.code, String(threshold)).toBe('INVALID_ARGUMENT');
    }
    const report = await client.call('audit.report', {});
    expect(report.categories[0]).toMatchObject({ categoryId: red, threshold: 2.0, thresholdSource: 'pack' });
  });

  it('adding the missing annotation clears its flag at once; rejecting the only annotation ends a doubt', async () => {
    const { client, red, blue, a } = await auditedProject();
    await client.call('annotations.apply', {
      imageId: a,
      changes: [{ op: 'create', categoryId: red, bbox: [30, 30, 10, 10] }],
    });
    // red is now annotated on a, and 3.5 >= 1: neither missing nor doubtful
    expect((await client.call('audit.image', { imageId: a })).flags.map(brief)).toEqual([
      ['a.png', 'blue', 'doubtful', 2.0],
    ]);

    const { annotations } = await client.call('images.get', { id: a });
    const blueBox = annotations.find((x) => x.categoryId === blue)!;
    await client.call('annotations.apply', {
      imageId: a,
      changes: [{ op: 'update', id: blueBox.id, patch: { state: 'rejected' } }],
    });
    // no blue that counts, and -1.0 < 1.0: not missing either
    expect((await client.call('audit.image', { imageId: a })).flags).toEqual([]);
    const [item] = (await client.call('images.query', { audit: 'flagged', sort: 'audit' })).items.filter(
      (i) => i.id === a,
    );
    expect(item).toBeUndefined();
  });
});

describe('the grid and the editor under the audit filter and sort', () => {
  const names = async (client: ServedProject['client'], q: ImageQuery) => {
    const page = await client.call('images.query', q);
    return { total: page.total, items: page.items.map((i) => [i.name, i.auditMissing, i.auditDoubtful]) };
  };

  it('lists flag counts per image, filters by kind and sorts the most suspicious first', async () => {
    const { client } = await auditedProject();
    expect(await names(client, {})).toEqual({
      total: 4,
      items: [
        ['a.png', 1, 1],
        ['b.png', 1, 0],
        ['c.png', 1, 1],
        ['d.png', 0, 0],
      ],
    });
    // b (4.5), c (4.0), a (2.5), then d without flags
    expect((await names(client, { sort: 'audit' })).items.map((i) => i[0])).toEqual([
      'b.png',
      'c.png',
      'a.png',
      'd.png',
    ]);
    expect(await names(client, { audit: 'doubtful', sort: 'audit' })).toEqual({
      total: 2,
      items: [
        ['c.png', 1, 1],
        ['a.png', 1, 1],
      ],
    });
    expect((await names(client, { audit: 'missing' })).items.map((i) => i[0])).toEqual([
      'a.png',
      'b.png',
      'c.png',
    ]);
    expect(await names(client, { audit: 'flagged', sort: 'audit', offset: 1, limit: 1 })).toEqual({
      total: 3,
      items: [['c.png', 1, 1]],
    });
    // with another filter: images annotated blue (a, b), flagged, by suspicion
    const blue = (await client.call('categories.list', {})).find((c) => c.name === 'blue')!.id;
    expect(
      (await names(client, { categoryId: blue, audit: 'flagged', sort: 'audit' })).items.map((i) => i[0]),
    ).toEqual(['b.png', 'a.png']);
  });

  it("the editor's previous and next, and next unreviewed, walk the audit order and filter", async () => {
    const { client, a, b, c, d } = await auditedProject();
    const near = async (id: number, nav: object) => {
      const r = await client.call('images.get', { id, nav });
      return [r.prevId, r.nextId];
    };
    expect(await near(c, { sort: 'audit' })).toEqual([b, a]);
    expect(await near(a, { sort: 'audit' })).toEqual([c, d]);
    expect(await near(b, { sort: 'audit' })).toEqual([null, c]);
    expect(await near(c, { audit: 'doubtful', sort: 'audit' })).toEqual([null, a]);
    expect(await near(a, { audit: 'missing' })).toEqual([null, b]);

    expect(
      (await client.call('images.nextUnreviewed', { after: c, nav: { audit: 'flagged', sort: 'audit' } })).id,
    ).toBe(a);
    // wraps around to the most suspicious
    expect(
      (await client.call('images.nextUnreviewed', { after: a, nav: { audit: 'flagged', sort: 'audit' } })).id,
    ).toBe(b);
    await client.call('images.setStatus', { id: b, status: 'reviewed' });
    expect(
      (await client.call('images.nextUnreviewed', { after: a, nav: { audit: 'flagged', sort: 'audit' } })).id,
    ).toBe(c);
  });
});

describe('report.corrections with an audit', () => {
  it("counts each category's likely missing and doubtful images (read in the read thread)", async () => {
    const { client, red, blue, green } = await auditedProject();
    const rows = await client.call('report.corrections', {});
    expect(rows.map((r) => [r.categoryId, r.auditLikelyMissing, r.auditDoubtful])).toEqual([
      [red, 1, 1],
      [blue, 0, 1],
      [green, 2, 0],
    ]);
    // the model's pending red box on c and the people's blue boxes are still counted as before
    expect(rows.map((r) => [r.name, r.pending, r.humanAdded])).toEqual([
      ['red', 1, 0],
      ['blue', 0, 2],
      ['green', 0, 0],
    ]);
  });
});
