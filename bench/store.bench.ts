import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Bench, BenchResult } from './types';
import { timeIt } from './types';
import { ProjectDb } from '../src-main/db/project-db';
import { annotationWriter } from '../src-main/db/annotations-table';
import { encodeMask } from '../src-main/shared/masks';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 100_000);
const ANNOTATIONS = Number(process.env.BENCH_ANNOTATIONS ?? 1_000_000);

/** Realistic RLE strings: ellipses of varied sizes in a 640×480 frame. */
function sampleMasks(n: number): { counts: string; area: number }[] {
  const out = [];
  for (let k = 0; k < n; k++) {
    const w = 640, h = 480;
    const data = new Uint8Array(w * h);
    const cx = 80 + ((k * 37) % 480), cy = 60 + ((k * 53) % 360), rx = 10 + (k % 60), ry = 8 + ((k * 7) % 50);
    let area = 0;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        if (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1) {
          data[y * w + x] = 1;
          area++;
        }
    out.push({ counts: encodeMask({ width: w, height: h, data }).counts, area });
  }
  return out;
}

const bench: Bench = async () => {
  const dir = join(tmpdir(), `lw-bench-store-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'bench.lw');
  const results: BenchResult[] = [];
  try {
    const pdb = ProjectDb.open(path, { create: true });
    const masks = sampleMasks(64);
    pdb.tx(() => {
      const img = pdb.db.prepare(
        `INSERT INTO images (path, hash, width, height, bytes, format, added_at, updated_at) VALUES (?, ?, 640, 480, 100000, 'jpeg', 0, 0)`,
      );
      for (let i = 1; i <= IMAGES; i++) img.run(`/data/set/${String(i).padStart(6, '0')}.jpg`, `h${i}`);
      const cat = pdb.db.prepare(`INSERT INTO categories (name, name_key, color, prompt, created_at) VALUES (?, ?, '#ff0000', ?, 0)`);
      for (let c = 1; c <= 10; c++) cat.run(`class${c}`, `class${c}`, `class${c}`);
    });

    const ins = await timeIt(() =>
      pdb.tx(() => {
        const writer = annotationWriter(pdb);
        for (let i = 0; i < ANNOTATIONS; i++) {
          const m = masks[i % masks.length];
          writer.insert({
            imageId: 1 + (i % IMAGES),
            categoryId: 1 + (i % 10),
            bbox: [i % 500, i % 400, 40.5, 30.25],
            rle: m.counts,
            area: m.area,
            source: 'model',
            state: 'accepted',
            score: 0.5,
          });
        }
        writer.finish(); // per-image counters for the 100k images, in the same transaction
      }),
    );
    results.push({ name: `insert ${ANNOTATIONS.toLocaleString('en')} annotations (one transaction)`, value: ins.ms / 1000, unit: 's', goal: '<= 10 s', ok: ins.ms <= 10_000 });
    results.push({ name: 'insert rate', value: ANNOTATIONS / (ins.ms / 1000), unit: 'rows/s' });
    pdb.db.pragma('wal_checkpoint(TRUNCATE)');
    pdb.close();

    const out = join(dir, 'export.json');
    const child = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'child', 'export-coco.ts'), path, out, 'rle'], { encoding: 'utf8' }),
    ) as { ms: number; maxRssKb: number; annotations: number; images: number; bytes: number };
    results.push({
      name: `export COCO (RLE) ${child.images.toLocaleString('en')} images, ${child.annotations.toLocaleString('en')} annotations`,
      value: child.ms / 1000,
      unit: 's',
      goal: '<= 10 s',
      ok: child.ms <= 10_000,
      note: `${(child.bytes / 1e6).toFixed(0)} MB written`,
    });
    results.push({ name: 'export peak RSS (whole process)', value: child.maxRssKb / 1024, unit: 'MB', goal: '<= 1024 MB', ok: child.maxRssKb / 1024 <= 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
};

export default bench;
