/**
 * The data side of the image browser on a 100k-image project: how long the first page of
 * `images.query` takes (service alone, and through the RPC server with zod validation on
 * both sides of an in-memory transport). Feeds the "time to first paint for 100k images
 * <= 1 s" goal of issue 5; the renderer adds its own paint time on top.
 *
 *   npx tsx bench/run.ts ui-data      (BENCH_UI_IMAGES, BENCH_UI_ANNOTATIONS to scale)
 */
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench, BenchResult } from './types';
import { median, timeIt } from './types';
import { ProjectService } from '../src-main/services/project-service';
import { annotationWriter } from '../src-main/db/annotations-table';
import { AppSession } from '../src-main/app/session';
import { createRpcServer } from '../src-main/transports/rpc-server';
import { RpcClient, createMemoryTransportPair } from '../src-main/shared/rpc';
import type { ImageQuery } from '../src-main/shared/api';
import { insertModelRun } from '../src-main/db/runs-table';
import { insertAuditScores, type AuditScoreRow } from '../src-main/db/audit-table';
import { auditReport } from '../src-main/services/audit';

const IMAGES = Number(process.env.BENCH_UI_IMAGES ?? 100_000);
const ANNOTATIONS = Number(process.env.BENCH_UI_ANNOTATIONS ?? 500_000);

const bench: Bench = async () => {
  const dir = join(tmpdir(), `lw-bench-ui-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'ui.lw');
  const results: BenchResult[] = [];
  try {
    const svc = ProjectService.create(path);
    const db = svc.pdb.db;
    const statuses = ['unlabeled', 'prelabeled', 'in_progress', 'reviewed'];
    svc.pdb.tx(() => {
      const img = db.prepare(
        `INSERT INTO images (path, hash, width, height, bytes, format, status, added_at, updated_at) VALUES (?, ?, 640, 480, 100000, 'jpeg', ?, 0, 0)`,
      );
      for (let i = 1; i <= IMAGES; i++) img.run(`/data/set/${String((i * 7919) % IMAGES).padStart(6, '0')}-${i}.jpg`, `h${i}`, statuses[i % 4]);
      const cat = db.prepare(`INSERT INTO categories (name, name_key, color, prompt, created_at) VALUES (?, ?, '#ff0000', ?, 0)`);
      for (let c = 1; c <= 10; c++) cat.run(`class${c}`, `class${c}`, `class${c}`);
    });
    // Model output on 80% of the images; a third of it still pending.
    const writer = annotationWriter(svc.pdb);
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const ins = await timeIt(() =>
      svc.pdb.tx(() => {
        for (let k = 0; k < ANNOTATIONS; k++) {
          const imageId = 1 + Math.floor(rand() * IMAGES * 0.8);
          writer.insert({
            imageId,
            categoryId: 1 + (k % 10),
            bbox: [10, 10, 50, 40],
            rle: null,
            area: 2000,
            source: 'model',
            state: k % 3 === 0 ? 'pending' : 'accepted',
            score: rand(),
          });
        }
        writer.finish();
      }),
    );
    results.push({
      name: `setup: insert ${ANNOTATIONS.toLocaleString('en')} annotations (counters refreshed once at the end)`,
      value: ANNOTATIONS / (ins.ms / 1000),
      unit: 'rows/s',
    });
    // UNITER audit scores: every image against each of the 10 categories (one audit run).
    const audit = await timeIt(() =>
      svc.pdb.tx(() => {
        const runId = insertModelRun(svc.pdb, { packId: 'uniter-fixture', packSha256: 'bench', paramsJson: JSON.stringify({ auditThreshold: 1 }), prompt: '' }, 0);
        const rows: AuditScoreRow[] = [];
        for (let imageId = 1; imageId <= IMAGES; imageId++)
          for (let categoryId = 1; categoryId <= 10; categoryId++) rows.push({ imageId, categoryId, runId, rankLogit: rand() * 8 - 4, regions: 10, truncatedPieces: 0, scoredAt: 1 });
        insertAuditScores(svc.pdb, rows);
      }),
    );
    results.push({ name: `setup: insert ${(IMAGES * 10).toLocaleString('en')} audit scores`, value: (IMAGES * 10) / (audit.ms / 1000), unit: 'rows/s' });
    db.pragma('wal_checkpoint(TRUNCATE)');
    svc.close();

    // Fresh open, as an app start would do; first call measured cold, then the median of warm ones.
    const reopened = ProjectService.open(path);
    const cold = await timeIt(() => reopened.queryImages({ sort: 'name', limit: 200 }));
    results.push({ name: `images.query first page (200 of ${IMAGES.toLocaleString('en')}), name order, cold open`, value: cold.ms, unit: 'ms', goal: '<= 100 ms', ok: cold.ms <= 100 });
    const cases: [string, ImageQuery][] = [
      ['name order', { sort: 'name' }],
      ['uncertainty order', { sort: 'uncertainty' }],
      ['has pending, uncertainty', { hasPending: true, sort: 'uncertainty' }],
      ['status in_progress+prelabeled', { status: ['in_progress', 'prelabeled'] }],
      ['category 3, min score 0.5', { categoryId: 3, minScore: 0.5 }],
      ['last page (offset 99,800)', { offset: Math.max(0, IMAGES - 200) }],
      // Audit flags (schema 12 keeps them up to date as things change).
      ['audit order (most suspicious first)', { sort: 'audit' }],
      ['audit filter doubtful, audit order', { audit: 'doubtful', sort: 'audit' }],
      ['audit filter missing, name order', { audit: 'missing', sort: 'name' }],
    ];
    for (const [label, q] of cases) {
      const times: number[] = [];
      for (let r = 0; r < 7; r++) times.push((await timeIt(() => reopened.queryImages({ limit: 200, ...q }))).ms);
      const ms = median(times);
      results.push({ name: `images.query first page, ${label}`, value: ms, unit: 'ms', goal: '<= 100 ms', ok: ms <= 100 });
    }
    const reportTimes: number[] = [];
    let flags = 0;
    for (let r = 0; r < 3; r++) reportTimes.push((await timeIt(() => (flags = auditReport(reopened.pdb).flags.length))).ms);
    results.push({ name: `audit report, ${(IMAGES * 10).toLocaleString('en')} scores (all ${flags.toLocaleString('en')} flags)`, value: median(reportTimes), unit: 'ms' });
    for (const limit of [0, 200]) {
      const times: number[] = [];
      for (let r = 0; r < 5; r++) times.push((await timeIt(() => auditReport(reopened.pdb, { limit }))).ms);
      results.push({ name: `audit report, limit ${limit} (${limit ? 'the first flags' : 'the counts alone, as the threshold screen asks'})`, value: median(times), unit: 'ms' });
    }
    for (const [label, q] of [['audit order', { sort: 'audit' }], ['audit filter missing, audit order', { audit: 'missing', sort: 'audit' }]] as const) {
      const navTimes: number[] = [];
      for (let r = 0; r < 5; r++) navTimes.push((await timeIt(() => reopened.imageDetail(1 + r * 997, q))).ms);
      results.push({ name: `editor previous and next, ${label} (images.get without the file check)`, value: median(navTimes), unit: 'ms' });
    }
    // A category's own threshold: every latest score of the category gets its verdict again.
    const setTimes: number[] = [];
    for (const t of [0.5, null, 1.5]) setTimes.push((await timeIt(() => reopened.setAuditThreshold(3, t))).ms);
    results.push({ name: `audit.setThreshold on one category (${IMAGES.toLocaleString('en')} scored images)`, value: median(setTimes), unit: 'ms' });
    reopened.close();

    // Through the RPC server: params and results validated with zod, structured-cloned across the pair.
    const session = new AppSession({ shell: 'browser', imageUrl: '/images/{id}', thumbnailUrl: '/thumbs/{id}', userDataDir: join(dir, 'ud') });
    const server = createRpcServer(session.handlers());
    session.bind(server);
    const [a, b] = createMemoryTransportPair();
    server.attach(a);
    const client = new RpcClient(b);
    const open = await timeIt(() => client.call('project.open', { path }));
    const first = await timeIt(() => client.call('images.query', { sort: 'uncertainty', limit: 200 }));
    results.push({
      name: 'open project + first page over RPC (uncertainty order)',
      value: open.ms + first.ms,
      unit: 'ms',
      goal: '<= 1000 ms (first paint budget)',
      ok: open.ms + first.ms <= 1000,
      note: `open ${open.ms.toFixed(0)} ms, query ${first.ms.toFixed(1)} ms`,
    });
    const t: number[] = [];
    for (let r = 0; r < 7; r++) t.push((await timeIt(() => client.call('images.query', { sort: 'name', limit: 200, offset: r * 1000 }))).ms);
    results.push({ name: 'images.query page over RPC (warm)', value: median(t), unit: 'ms' });
    const detail = await client.call('images.get', { id: 1 });
    const ann = detail.annotations[0];
    if (ann) {
      const times: number[] = [];
      for (let r = 0; r < 9; r++)
        times.push((await timeIt(() => client.call('annotations.apply', { imageId: 1, changes: [{ op: 'update', id: ann.id, patch: { bbox: [10 + r, 10, 50, 40] } }] }))).ms);
      results.push({ name: 'annotations.apply one box edit over RPC', value: median(times), unit: 'ms', goal: '<= 16 ms', ok: median(times) <= 16 });
    }
    client.close();
    await session.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
};

export default bench;
