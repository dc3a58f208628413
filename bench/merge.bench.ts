import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Bench, BenchResult } from './types';
import { timeIt } from './types';
import { ProjectDb } from '../src-main/db/project-db';
import { ProjectService } from '../src-main/services/project-service';
import { ShardResultsWriter } from '../src-main/db/shard-results-file';
import { createJob, getJob } from '../src-main/jobs/job-store';
import { BUNDLE_SCHEMA_VERSION, MANIFEST_FILE, runIdentity, shardResultsName, type BundleManifest } from '../src-main/jobs/bundle-manifest';
import type { PredictionResult } from '../src-main/inference/types';
import { encodeMask, rleArea, rleBbox } from '../src-main/shared/masks';

const IMAGES = Number(process.env.BENCH_MERGE_IMAGES ?? 100_000);
const SHARDS = 8;

/** Class masks as GroupViT gives them: ellipses of varied sizes in a 640×480 frame. */
function sampleMasks(n: number): { counts: string; area: number; bbox: [number, number, number, number] }[] {
  const out = [];
  for (let k = 0; k < n; k++) {
    const w = 640, h = 480;
    const data = new Uint8Array(w * h);
    const cx = 80 + ((k * 37) % 480), cy = 60 + ((k * 53) % 360), rx = 10 + (k % 60), ry = 8 + ((k * 7) % 50);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) data[y * w + x] = 1;
    const rle = encodeMask({ width: w, height: h, data });
    out.push({ counts: rle.counts, area: rleArea(rle), bbox: [...rleBbox(rle)] as [number, number, number, number] });
  }
  return out;
}

/**
 * `labelwright merge` of a bundle's results for 100k images: 8 shard files written through
 * the shard file module, each image with what GLIP + GroupViT give (4 boxes, 2 class masks),
 * merged into a project whose job has the 100k items pending. Time and peak RSS of the merge
 * process, and of a second merge that finds nothing new.
 */
const bench: Bench = async () => {
  const dir = join(tmpdir(), `lw-bench-merge-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'bundle', 'results'), { recursive: true });
  const results: BenchResult[] = [];
  try {
    const project = join(dir, 'p.lw');
    const pdb = ProjectDb.open(project, { create: true });
    pdb.tx(() => {
      const img = pdb.db.prepare(`INSERT INTO images (path, hash, width, height, bytes, format, added_at, updated_at) VALUES (?, ?, 640, 480, 100000, 'jpeg', 0, 0)`);
      for (let i = 1; i <= IMAGES; i++) img.run(`/data/set/${String(i).padStart(6, '0')}.jpg`, `h${i}`);
      const cat = pdb.db.prepare(`INSERT INTO categories (name, name_key, color, prompt, created_at) VALUES (?, ?, '#ff0000', ?, 0)`);
      for (const c of ['person', 'car']) cat.run(c, c, c);
    });
    pdb.close();

    const svc = ProjectService.open(project);
    const ids = svc.listImages({ limit: IMAGES }).map((i) => i.id);
    const categories = svc.listCategories().map((c) => ({ id: c.id, name: c.name, prompt: c.prompt, threshold: c.threshold }));
    const packs = [
      { id: 'glip-bench', kind: 'glip' as const, sha256: 'a'.repeat(64) },
      { id: 'groupvit-bench', kind: 'groupvit' as const, sha256: 'b'.repeat(64) },
    ];
    const jobId = createJob(svc.pdb, { packs, categories, threshold: null, fuse: false, overwriteHuman: false, target: 'unlabeled', signature: 'bench-signature' }, ids);
    const params = getJob(svc.pdb, jobId).params;
    svc.close();

    const manifest: BundleManifest = {
      schemaVersion: BUNDLE_SCHEMA_VERSION, jobId, signature: params.signature, packs, categories, threshold: null, fuse: false, overwriteHuman: false,
      target: 'unlabeled', imagesRoot: '/data/set', shards: SHARDS, images: IMAGES, project, createdAt: Date.now(),
    };
    writeFileSync(join(dir, 'bundle', MANIFEST_FILE), JSON.stringify(manifest));
    const masks = sampleMasks(32);
    const write = await timeIt(() => {
      for (let s = 0; s < SHARDS; s++) {
        const w = ShardResultsWriter.open(join(dir, 'bundle', 'results', shardResultsName(s)), { ...runIdentity(manifest), shard: String(s), shards: String(SHARDS) });
        w.tx(() => {
          for (let i = 1 + s; i <= IMAGES; i += SHARDS) {
            const glip: PredictionResult = {
              packId: 'glip-bench', kind: 'glip', width: 640, height: 480, masks: [], ep: 'cuda', timings: { inferMs: 40, postMs: 2 },
              detections: Array.from({ length: 4 }, (_, k) => ({ categoryId: categories[k % 2].id, bbox: [(i * 7 + k * 50) % 500, (i * 3) % 380, 61.37, 48.5] as [number, number, number, number], score: 0.5 + k / 10, phrase: categories[k % 2].name })),
            };
            const groupvit: PredictionResult = {
              packId: 'groupvit-bench', kind: 'groupvit', width: 640, height: 480, detections: [], ep: 'cuda', timings: { inferMs: 30, postMs: 5 },
              masks: categories.map((c, k) => {
                const m = masks[(i + k) % masks.length];
                return { categoryId: c.id, score: 0.8, area: m.area, bbox: m.bbox, rle: { size: [480, 640] as [number, number], counts: m.counts } };
              }),
            };
            w.record({ hash: `h${i}`, path: `${String(i).padStart(6, '0')}.jpg`, state: 'done', resultsJson: JSON.stringify([glip, groupvit]) });
          }
        });
        w.close();
      }
    });

    const child = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'child', 'merge-shards.ts'), project, join(dir, 'bundle')], { encoding: 'utf8', maxBuffer: 1 << 20 }),
    ) as { first: { ms: number; imported: number; done: number }; again: { ms: number; imported: number }; maxRssKb: number };
    if (child.first.imported !== IMAGES || child.again.imported !== 0) throw new Error(`merge imported ${child.first.imported}, then ${child.again.imported}`);
    const label = `${IMAGES.toLocaleString('en')} images in ${SHARDS} shard files (4 boxes + 2 class masks each)`;
    results.push({ name: `write the shard files (bench set-up), ${label}`, value: write.ms / 1000, unit: 's' });
    results.push({ name: `merge, ${label}`, value: child.first.ms / 1000, unit: 's', note: `${Math.round(IMAGES / (child.first.ms / 1000))} images/s` });
    results.push({ name: 'merge again (nothing new: every item already done)', value: child.again.ms / 1000, unit: 's' });
    results.push({ name: 'merge peak RSS (whole process, both merges)', value: child.maxRssKb / 1024, unit: 'MB' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
};

export default bench;
