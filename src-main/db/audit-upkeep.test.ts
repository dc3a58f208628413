/**
 * The audit flags kept up to date by schema 12 (audit_latest, audit_images) must always equal
 * the flags worked out naively, here in plain code from the raw scores, runs, thresholds and
 * annotations, through every kind of write: scores of several runs (ties on scored_at, a
 * score replaced by an older one), annotations inserted in bulk before and after the scores
 * (below and above the writer's 5,000-image switch), state changes, deletions, annotations
 * moved to another category or image, thresholds set and cleared, an image and a category
 * removed.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ProjectDb } from './project-db';
import { annotationWriter } from './annotations-table';
import { insertModelRun } from './runs-table';
import { insertAuditScores, setCategoryAuditThreshold, type AuditScoreRow } from './audit-table';
import { auditCountsByCategory, auditCountsByImage, auditPairs, countScoredImages } from './audit-reads';
import { imagePage } from './images-table';
import { useTmp } from '../testing/tmp';

const tmp = useTmp();

/** A small deterministic generator, so that a failure repeats. */
function lcg(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

interface Verdict {
  imageId: number;
  categoryId: number;
  runId: number;
  rankLogit: number;
  threshold: number;
  annotations: number;
  kind: 'missing' | 'doubtful' | null;
  suspicion: number;
}

/** The flags by the rules of issue 14, from the raw rows, without any of the project's SQL rules. */
function naiveVerdicts(pdb: ProjectDb): Verdict[] {
  const scores = pdb.db.prepare(`SELECT image_id, category_id, run_id, rank_logit, scored_at FROM audit_scores`).all() as {
    image_id: number; category_id: number; run_id: number; rank_logit: number; scored_at: number;
  }[];
  const runDefault = new Map(
    (pdb.db.prepare(`SELECT id, params_json FROM runs`).all() as { id: number; params_json: string }[]).map((r) => [
      r.id,
      (JSON.parse(r.params_json) as { auditThreshold?: number }).auditThreshold ?? 0,
    ]),
  );
  const own = new Map(
    (pdb.db.prepare(`SELECT id, audit_threshold FROM categories`).all() as { id: number; audit_threshold: number | null }[]).map(
      (c) => [c.id, c.audit_threshold],
    ),
  );
  const counted = new Map<string, number>();
  for (const a of pdb.db.prepare(`SELECT image_id, category_id, state FROM annotations`).all() as {
    image_id: number; category_id: number; state: string;
  }[])
    if (a.state === 'pending' || a.state === 'accepted')
      counted.set(`${a.image_id}/${a.category_id}`, (counted.get(`${a.image_id}/${a.category_id}`) ?? 0) + 1);
  const latest = new Map<string, (typeof scores)[number]>();
  for (const s of scores) {
    const key = `${s.image_id}/${s.category_id}`;
    const l = latest.get(key);
    if (!l || s.scored_at > l.scored_at || (s.scored_at === l.scored_at && s.run_id > l.run_id)) latest.set(key, s);
  }
  return [...latest.entries()]
    .map(([key, s]) => {
      const threshold = own.get(s.category_id) ?? runDefault.get(s.run_id)!;
      const n = counted.get(key) ?? 0;
      const kind = n === 0 && s.rank_logit >= threshold ? 'missing' : n > 0 && s.rank_logit < threshold ? 'doubtful' : null;
      return {
        imageId: s.image_id,
        categoryId: s.category_id,
        runId: s.run_id,
        rankLogit: s.rank_logit,
        threshold,
        annotations: n,
        kind,
        suspicion: n > 0 ? threshold - s.rank_logit : s.rank_logit - threshold,
      } satisfies Verdict;
    })
    .sort((x, y) => x.imageId - y.imageId || x.categoryId - y.categoryId);
}

/** What the project reads: every latest score's verdict, per-image counts, scored images. */
function projectVerdicts(pdb: ProjectDb) {
  const pairs = auditPairs(pdb, {}, { flaggedOnly: false })
    .map((p) => ({
      imageId: p.image_id,
      categoryId: p.category_id,
      runId: p.run_id,
      rankLogit: p.rank_logit,
      threshold: p.threshold,
      annotations: p.annotations,
      kind: p.kind,
      suspicion: p.suspicion,
    }))
    .sort((x, y) => x.imageId - y.imageId || x.categoryId - y.categoryId);
  return pairs;
}

function expectConsistent(pdb: ProjectDb, imageCount: number) {
  const naive = naiveVerdicts(pdb);
  expect(projectVerdicts(pdb)).toEqual(naive);
  // a limited list is the head of the whole one; 0: none
  const flagged = auditPairs(pdb, {}, { flaggedOnly: true });
  expect(auditPairs(pdb, {}, { flaggedOnly: true, limit: 5 })).toEqual(flagged.slice(0, 5));
  expect(auditPairs(pdb, {}, { flaggedOnly: true, limit: 0 })).toEqual([]);
  const ids = Array.from({ length: imageCount }, (_, i) => i + 1);
  const perImage = new Map<number, { missing: number; doubtful: number }>();
  for (const v of naive) {
    const c = perImage.get(v.imageId) ?? { missing: 0, doubtful: 0 };
    if (v.kind === 'missing') c.missing++;
    if (v.kind === 'doubtful') c.doubtful++;
    perImage.set(v.imageId, c);
  }
  expect(auditCountsByImage(pdb, ids)).toEqual(perImage);
  // the grid's audit filter and order: flagged images, greatest suspicion first, then by path
  const top = new Map<number, number>();
  for (const v of naive) if (v.kind) top.set(v.imageId, Math.max(top.get(v.imageId) ?? -Infinity, v.suspicion));
  const path = (id: number) => `/x/${id}.png`;
  const expected = [...top.keys()].sort((x, y) => top.get(y)! - top.get(x)! || (path(x) < path(y) ? -1 : 1));
  const page = imagePage(pdb, { audit: 'flagged' }, { sort: 'audit', limit: imageCount, offset: 0 });
  expect({ total: page.total, ids: page.rows.map((r) => r.id) }).toEqual({ total: expected.length, ids: expected });
  const doubtful = imagePage(pdb, { audit: 'doubtful' }, { sort: 'name', limit: imageCount, offset: 0 });
  expect(new Set(doubtful.rows.map((r) => r.id))).toEqual(new Set(naive.filter((v) => v.kind === 'doubtful').map((v) => v.imageId)));
  expect(countScoredImages(pdb)).toBe(perImage.size);
  const perCategory = new Map<number, { category_id: number; scored_images: number; missing: number; doubtful: number }>();
  for (const v of naive) {
    const c = perCategory.get(v.categoryId) ?? { category_id: v.categoryId, scored_images: 0, missing: 0, doubtful: 0 };
    c.scored_images++;
    if (v.kind === 'missing') c.missing++;
    if (v.kind === 'doubtful') c.doubtful++;
    perCategory.set(v.categoryId, c);
  }
  expect(auditCountsByCategory(pdb)).toEqual([...perCategory.values()].sort((x, y) => x.category_id - y.category_id));
  // the flags must not be trivially empty or all of one kind
  expect(naive.some((v) => v.kind === 'missing')).toBe(true);
  expect(naive.some((v) => v.kind === 'doubtful')).toBe(true);
}

describe('audit flags kept by the writer', () => {
  it.each([40, 6_000])('equal the naive flags through every kind of write (%i images)', (images) => {
    const pdb = ProjectDb.open(join(tmp(), 'p.lw'), { create: true });
    const rnd = lcg(images);
    const states = ['pending', 'accepted', 'rejected', 'archived'] as const;
    // `everyImage`: one after another over every image, so that the writer's recount takes its
    // whole-table path (above 5,000 images) for certain; else on random images.
    const addAnnotations = (n: number, everyImage = false) =>
      pdb.tx(() => {
        const w = annotationWriter(pdb);
        for (let i = 0; i < n; i++)
          w.insert({
            imageId: everyImage ? 1 + (i % images) : 1 + Math.floor(rnd() * images),
            categoryId: 1 + Math.floor(rnd() * 3),
            bbox: [1, 1, 5, 5],
            rle: null,
            area: 25,
            source: 'model',
            state: states[Math.floor(rnd() * 4)],
            score: 0.7,
          });
        w.finish();
      });
    pdb.tx(() => {
      const img = pdb.db.prepare(
        `INSERT INTO images (path, hash, width, height, bytes, format, added_at, updated_at) VALUES (?, ?, 100, 80, 1, 'png', 0, 0)`,
      );
      for (let i = 1; i <= images; i++) img.run(`/x/${i}.png`, `h${i}`);
      pdb.db
        .prepare(
          `INSERT INTO categories (name, name_key, color, prompt, threshold, created_at)
           VALUES ('a', 'a', '#ff0000', 'a', NULL, 0), ('b', 'b', '#00ff00', 'b', NULL, 0), ('c', 'c', '#0000ff', 'c', NULL, 0)`,
        )
        .run();
    });
    addAnnotations(images * 2);
    const runs = pdb.tx(() =>
      [{ auditThreshold: 1 }, {}, { auditThreshold: -0.5 }].map((p, i) =>
        insertModelRun(pdb, { packId: 'uniter-fixture', packSha256: `s${i}`, paramsJson: JSON.stringify(p), prompt: '' }, 0),
      ),
    );
    const score = (imageId: number, categoryId: number, runId: number, scoredAt: number): AuditScoreRow => ({
      imageId,
      categoryId,
      runId,
      rankLogit: Math.round((rnd() * 8 - 4) * 4) / 4,
      regions: 3,
      truncatedPieces: 0,
      scoredAt,
    });
    pdb.tx(() => {
      const rows: AuditScoreRow[] = [];
      for (let i = 1; i <= images; i++)
        for (let c = 1; c <= 3; c++) {
          if (rnd() < 0.1) continue; // some pairs never scored
          rows.push(score(i, c, runs[0], 1000));
          if (rnd() < 0.5) rows.push(score(i, c, runs[1], rnd() < 0.5 ? 1000 : 2000)); // ties go to the later run
          if (rnd() < 0.3) rows.push(score(i, c, runs[2], 1500));
        }
      insertAuditScores(pdb, rows);
    });
    expectConsistent(pdb, images);

    // a score replaced by an older one of the same run: an earlier score becomes the latest
    pdb.tx(() => insertAuditScores(pdb, [score(1, 1, runs[1], 10), score(2, 2, runs[0], 5000)]));
    expectConsistent(pdb, images);

    // more annotations after the scores (bulk, then a few)
    addAnnotations(images * 2, true);
    expectConsistent(pdb, images);
    addAnnotations(7);
    expectConsistent(pdb, images);

    // one at a time, as the editor does: states, deletions, moves to another category or image
    pdb.tx(() => {
      const ids = (pdb.db.prepare(`SELECT id FROM annotations ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
      const pick = () => ids[Math.floor(rnd() * ids.length)];
      for (let i = 0; i < 60; i++) {
        pdb.db.prepare(`UPDATE annotations SET state = ? WHERE id = ?`).run(states[Math.floor(rnd() * 4)], pick());
        pdb.db.prepare(`DELETE FROM annotations WHERE id = ?`).run(pick());
        pdb.db.prepare(`UPDATE annotations SET category_id = ? WHERE id = ?`).run(1 + Math.floor(rnd() * 3), pick());
        pdb.db.prepare(`UPDATE annotations SET image_id = ? WHERE id = ?`).run(1 + Math.floor(rnd() * images), pick());
      }
    });
    expectConsistent(pdb, images);

    // thresholds set and cleared
    pdb.tx(() => setCategoryAuditThreshold(pdb, 2, 0.25));
    expectConsistent(pdb, images);
    pdb.tx(() => setCategoryAuditThreshold(pdb, 1, -10));
    pdb.tx(() => setCategoryAuditThreshold(pdb, 2, null));
    expectConsistent(pdb, images);

    // an image and a category removed: their scores and flags go with them
    pdb.tx(() => pdb.db.prepare(`DELETE FROM images WHERE id = 3`).run());
    pdb.tx(() => pdb.db.prepare(`DELETE FROM categories WHERE id = 3`).run());
    const left = naiveVerdicts(pdb);
    expect(left.some((v) => v.imageId === 3 || v.categoryId === 3)).toBe(false);
    expectConsistent(pdb, images);
    pdb.close();
  });
});
