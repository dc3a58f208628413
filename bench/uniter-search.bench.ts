/**
 * UNITER search with the fixture pack: a first search over N JPEG photos (1280×960) runs the
 * regions graph on each (decode, resize, BGR − means, detector) and caches the features; a
 * repeated search with another text reads the cache and runs only the ITM passes. The figure
 * is the ratio of the two, in one process (pack loaded once, before both).
 * BENCH_UNITER_IMAGES (default 30) sets N.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { resolvePack, sharedSessionPool } from '../src-main/inference/engine';
import { findPack, packSha256 } from '../src-main/inference/packs/index';
import { cacheDirFor, RegionFeatureCache } from '../src-main/inference/uniter/feature-cache';
import { rankImages, type SearchImage } from '../src-main/inference/uniter/rank-images';
import { createUniterScorer } from '../src-main/inference/uniter/scorer';
import { timeIt, type BenchResult } from './types';

export default async function bench(): Promise<BenchResult[]> {
  const n = Number(process.env.BENCH_UNITER_IMAGES ?? 30);
  const dir = await mkdtemp(join(tmpdir(), 'lw-bench-uniter-'));
  try {
    const images: SearchImage[] = [];
    for (let i = 0; i < n; i++) {
      const path = join(dir, `img-${i}.jpg`);
      const raw = Buffer.alloc(1280 * 960 * 3);
      for (let p = 0; p < raw.length; p += 3) {
        const x = (p / 3) % 1280;
        const y = Math.floor(p / 3 / 1280);
        const inSquare = x >= 200 + i * 10 && x < 456 + i * 10 && y >= 300 && y < 556;
        raw[p] = inSquare && i % 2 ? 230 : 100 + ((x * 50) / 1280) | 0;
        raw[p + 1] = 110 + ((y * 40) / 960) | 0;
        raw[p + 2] = inSquare && !(i % 2) ? 230 : 120;
      }
      await sharp(raw, { raw: { width: 1280, height: 960, channels: 3 } }).jpeg({ quality: 90 }).toFile(path);
      images.push({ id: i + 1, path, hash: i.toString(16).padStart(64, '0') });
    }
    const pack = await findPack('uniter-fixture');
    const scorer = await createUniterScorer(await resolvePack(pack), sharedSessionPool());
    const cache = new RegionFeatureCache(cacheDirFor(join(dir, 'p.lw'), await packSha256(pack)));
    try {
      const first = await timeIt(() => rankImages(scorer, cache, images, 'a red square'));
      const second = await timeIt(() => rankImages(scorer, cache, images, 'a blue square'));
      const ratio = first.ms / second.ms;
      return [
        { name: `first search, ${n} images (regions graph + cache write + ITM)`, value: first.ms / n, unit: 'ms/image', note: `${first.value.regionRuns} regions runs` },
        { name: 'repeated search (cache read + ITM only)', value: second.ms / n, unit: 'ms/image', note: `${second.value.regionRuns} regions runs, ${cache.stats.hits} cache hits` },
        { name: 'repeated search speed-up from the cache', value: ratio, unit: '×', goal: '>= 5×', ok: ratio >= 5 && second.value.regionRuns === 0 },
      ];
    } finally {
      await scorer.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
