/**
 * Ranks images by how well they match a text: each image's regions come from the feature
 * cache, or from the regions graph (then cached), and one ITM pass scores the text. An image
 * that fails is listed and the search goes on; an abort stops between images (after the image
 * in flight): it throws CANCELLED, or with `onAbort: 'partial'` (the app's search box) returns
 * the ranking so far with `cancelled: true`.
 */
import { LwError } from '../../shared/errors';
import type { RegionFeatureCache } from './feature-cache';
import { sigmoid, type UniterScorer } from './scorer';

export interface SearchImage {
  id: number;
  /** Absolute file path. */
  path: string;
  /** Content hash: the cache key. */
  hash: string;
}

export interface RankedImage {
  imageId: number;
  path: string;
  rankLogit: number;
  sigmoidOfRankLogit: number;
}

export interface RankResult {
  ranked: RankedImage[];
  failures: { imageId: number; path: string; error: string }[];
  /** How many images ran the regions graph (the rest came from the cache). */
  regionRuns: number;
  itmRuns: number;
  /** Stopped by the signal before every image was ranked (only with `onAbort: 'partial'`). */
  cancelled: boolean;
}

export async function rankImages(
  scorer: UniterScorer,
  cache: RegionFeatureCache,
  images: readonly SearchImage[],
  text: string,
  opts: { signal?: AbortSignal; onProgress?: (done: number, current: string) => void; onAbort?: 'throw' | 'partial' } = {},
): Promise<RankResult> {
  const out: RankResult = { ranked: [], failures: [], regionRuns: 0, itmRuns: 0, cancelled: false };
  for (let i = 0; i < images.length; i++) {
    if (opts.signal?.aborted) {
      if (opts.onAbort !== 'partial')
        throw new LwError('CANCELLED', `Search cancelled after ${i} of ${images.length} images`, 'Run it again: region features computed so far are cached.');
      out.cancelled = true;
      break;
    }
    const img = images[i];
    opts.onProgress?.(i, img.path);
    try {
      let set = await cache.get(img.hash);
      if (!set) {
        set = await scorer.regions(img.path);
        out.regionRuns++;
        await cache.put(img.hash, set);
      }
      const s = await scorer.score(set, text);
      out.itmRuns++;
      out.ranked.push({ imageId: img.id, path: img.path, rankLogit: s.rankLogit, sigmoidOfRankLogit: sigmoid(s.rankLogit) });
    } catch (e) {
      if (e instanceof LwError && (e.code === 'DISK_FULL' || e.code === 'CANCELLED')) throw e;
      out.failures.push({ imageId: img.id, path: img.path, error: e instanceof Error ? e.message : String(e) });
    }
  }
  if (!out.cancelled) opts.onProgress?.(images.length, '');
  // Stable: equal scores keep path order.
  out.ranked.sort((a, b) => b.rankLogit - a.rankLogit);
  return out;
}
