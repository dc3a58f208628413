/**
 * The session's text search (`search.run`, `search.cancel`, the `search.progress` event):
 * ranks the images of the grid's current filter by a UNITER pack's match score for a text.
 * The filter is resolved by the image-query service (services/image-queries.ts), the same
 * that fills the grid, so every filter it knows (status, category, pending, score, audit)
 * applies here too. The model runs in the search thread (search-thread.ts) with the project's
 * sidecar feature cache, shared with `labelwright search`: a repeated search, from either,
 * runs only the ITM passes. One search at a time per session: a new one cancels the last.
 */
import { basename } from 'node:path';
import type { z } from 'zod';
import type { api, NavQuery, SearchResult } from '../shared/api';
import type { ProjectService } from '../services/project-service';
import type { SearchImage } from '../inference/uniter/rank-images';
import { findUniterPack } from '../inference/uniter/find-pack';
import { SearchThread } from './search-thread';

type SearchRunInput = z.output<(typeof api)['search.run']['input']>;
export interface SearchProgress {
  searchId: string;
  done: number;
  total: number;
}

/** images.query's largest page. */
const PAGE = 5000;

/** The images the filter keeps, in name order (ties in score keep it), with their files. */
export function imagesOfFilter(project: ProjectService, nav: NavQuery | undefined): SearchImage[] {
  const ids: number[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = project.queryImages({ ...nav, sort: 'name', offset, limit: PAGE });
    ids.push(...page.items.map((i) => i.id));
    if (page.items.length < PAGE || ids.length >= page.total) break;
  }
  const images: SearchImage[] = [];
  for (const id of ids) {
    const file = project.imageFile(id);
    if (file) images.push({ id, path: file.path, hash: file.hash });
  }
  return images;
}

export class SearchSession {
  private readonly thread = new SearchThread();
  private current: string | null = null;

  constructor(private readonly onProgress: (p: SearchProgress) => void) {}

  async run(project: ProjectService, req: SearchRunInput): Promise<SearchResult> {
    // A wrong pack answers at once, before the thread starts or the last search is stopped.
    await findUniterPack(req.pack);
    const images = imagesOfFilter(project, req.nav);
    if (this.current) this.thread.cancel(this.current);
    this.current = req.searchId;
    try {
      const r = await this.thread.run(
        { searchId: req.searchId, pack: req.pack, projectPath: project.path, images, text: req.text },
        (done, total) => this.onProgress({ searchId: req.searchId, done, total }),
      );
      return {
        hits: r.ranked.slice(0, req.limit).map((h) => ({ imageId: h.imageId, name: basename(h.path), rankLogit: h.rankLogit, sigmoidOfRankLogit: h.sigmoidOfRankLogit })),
        searched: images.length,
        computedRegions: r.regionRuns,
        cachedRegions: r.cachedRegions,
        failed: r.failures.map((f) => ({ imageId: f.imageId, name: basename(f.path), error: f.error })),
        cancelled: r.cancelled,
      };
    } finally {
      if (this.current === req.searchId) this.current = null;
    }
  }

  cancel(searchId: string): { cancelled: boolean } {
    return { cancelled: this.thread.cancel(searchId) };
  }

  /** The project is closing: the running search stops after its image in flight. */
  cancelRunning(): void {
    if (this.current) this.thread.cancel(this.current);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
