/**
 * The session's search thread: UNITER text search runs in a worker thread
 * (search-thread-worker.ts), because ONNX Runtime's `run` blocks its thread and the session's
 * thread answers every client (the browser host and the Electron main process serve all of
 * them from one event loop). One thread per session, started by the first search, kept with
 * its scorer loaded for the next one and unref'd while idle, so it never keeps a process alive.
 */
import { LwError } from '../shared/errors';
import type { RankResult, SearchImage } from '../inference/uniter/rank-images';
import { ThreadClient, type ThreadReply } from './thread-client';

export interface SearchRun {
  searchId: string;
  /** A uniter pack id or folder. */
  pack: string;
  /** The project file: its sidecar feature cache is `cacheDirFor(projectPath, packSha256)`. */
  projectPath: string;
  images: SearchImage[];
  text: string;
  cacheCapBytes?: number;
}

export type SearchThreadRequest = ({ type: 'run' } & SearchRun) | { type: 'cancel'; searchId: string };

export type ThreadSearchResult = RankResult & {
  /** Images whose regions came from the feature cache. */
  cachedRegions: number;
  /** The pack's tokenizer lowercases (UNITER is cased). */
  warning?: string;
};

export type SearchProgress = { done: number; total: number };
export type SearchThreadMessage = ThreadReply<string, SearchProgress>;

/** The tsx bootstrap when running from sources, else the built search-thread-worker.js beside this chunk. */
function threadEntry(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./search-thread-bootstrap.mjs', import.meta.url)
    : new URL('./search-thread-worker.js', import.meta.url);
}

export class SearchThread {
  private readonly client = new ThreadClient<string, SearchProgress>(threadEntry(), 'Search again.', 'ask');

  /** Ranks `run.images`; resolves with the partial ranking (`cancelled: true`) when cancelled. */
  run(run: SearchRun, onProgress: (done: number, total: number) => void): Promise<ThreadSearchResult> {
    if (this.client.has(run.searchId)) return Promise.reject(new LwError('CONFLICT', `A search with id ${run.searchId} is already running`, 'Give each search its own id.'));
    return this.client.request<ThreadSearchResult>(run.searchId, 'search', { type: 'run', ...run } satisfies SearchThreadRequest, (p) => onProgress(p.done, p.total));
  }

  /** Asks the search to stop after the image in flight; false when no such search is running. */
  cancel(searchId: string): boolean {
    return this.client.has(searchId) && this.client.notify({ type: 'cancel', searchId } satisfies SearchThreadRequest);
  }

  /** Ends the thread: every search fails as cancelled at once; the thread finishes the ONNX run in flight, then exits (platform/stop-worker.ts). */
  close(): Promise<void> {
    return this.client.close();
  }
}
