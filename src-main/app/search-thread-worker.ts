/**
 * Worker-thread entry of the session's search thread (search-thread.ts): UNITER text search
 * (inference/uniter/rank-images.ts, the CLI's `search` loop, unchanged) off the caller's
 * thread, because ONNX Runtime's `run` blocks the thread it runs on. The scorer of the last
 * pack stays loaded between searches; region features go to the project's sidecar cache,
 * shared with `labelwright search`. Searches run one after another; a cancel stops the one
 * it names after the image in flight (or before it starts, if it is still queued).
 */
import { parentPort } from 'node:worker_threads';
import { packSha256 } from '../inference/packs/installed-packs';
import { resolvePack, sharedSessionPool } from '../inference/engine';
import { findUniterPack } from '../inference/uniter/find-pack';
import { createUniterScorer, type UniterScorer } from '../inference/uniter/scorer';
import { cacheDirFor, RegionFeatureCache } from '../inference/uniter/feature-cache';
import { rankImages } from '../inference/uniter/rank-images';
import { toThreadFailure } from './thread-client';
import { isStopRequest } from '../platform/stop-worker';
import type { SearchThreadMessage, SearchThreadRequest, SearchRun, ThreadSearchResult } from './search-thread';

/** Progress messages at most this often (plus the first and the last). */
const PROGRESS_MS = 100;

const post = (m: SearchThreadMessage) => parentPort!.postMessage(m);
const controllers = new Map<string, AbortController>();
let warm: { key: string; scorer: Promise<UniterScorer> } | null = null;
let queue: Promise<unknown> = Promise.resolve();

/** The scorer of `key` (pack folder + sha256), loading it and letting go of the previous one when the pack changed. */
function scorerFor(key: string, load: () => Promise<UniterScorer>): Promise<UniterScorer> {
  if (warm?.key !== key) {
    const previous = warm;
    warm = { key, scorer: load() };
    const mine = warm;
    mine.scorer.catch(() => {
      if (warm === mine) warm = null; // the next search tries again
    });
    void previous?.scorer.then((s) => s.dispose()).catch(() => undefined);
  }
  return warm.scorer;
}

async function search(req: SearchRun, signal: AbortSignal): Promise<ThreadSearchResult> {
  const pack = await findUniterPack(req.pack);
  const sha = await packSha256(pack);
  const scorer = await scorerFor(`${pack.dir}\n${sha}`, async () => createUniterScorer(await resolvePack(pack), sharedSessionPool()));
  const cache = new RegionFeatureCache(cacheDirFor(req.projectPath, sha), req.cacheCapBytes);
  const total = req.images.length;
  let last = 0;
  const result = await rankImages(scorer, cache, req.images, req.text, {
    signal,
    onAbort: 'partial',
    onProgress: (done) => {
      const now = Date.now();
      if (done !== 0 && done !== total && now - last < PROGRESS_MS) return;
      last = now;
      post({ id: req.searchId, type: 'progress', progress: { done, total } });
    },
  });
  return { ...result, cachedRegions: cache.stats.hits, ...(scorer.tokenizerWarning ? { warning: scorer.tokenizerWarning } : {}) };
}

/** The project is closing: cancel every search, let the image in flight finish (its ONNX run), let go of the model, exit. */
async function stop(): Promise<never> {
  for (const ac of controllers.values()) ac.abort();
  await queue;
  await warm?.scorer.then((s) => s.dispose()).catch(() => undefined);
  process.exit(0);
}

parentPort!.on('message', (req: SearchThreadRequest) => {
  if (isStopRequest(req)) return void stop();
  if (req.type === 'cancel') {
    controllers.get(req.searchId)?.abort();
    return;
  }
  const ac = new AbortController();
  controllers.set(req.searchId, ac);
  const run = queue.then(() => search(req, ac.signal));
  queue = run.catch(() => undefined);
  run
    .then(
      (result) => post({ id: req.searchId, type: 'done', result }),
      (e: unknown) => post({ id: req.searchId, type: 'error', error: toThreadFailure(e) }),
    )
    .finally(() => controllers.delete(req.searchId));
});
