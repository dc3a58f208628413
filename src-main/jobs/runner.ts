import { basename } from 'node:path';
import type { JobProgress, JobState } from '../shared/api';
import { LwError } from '../shared/errors';
import { isWriteFailure, writeFailureHint, writeFailureText, type ProjectDb } from '../db/project-db';
import type { AdapterCategory, PredictionResult } from '../inference/types';
import { setItemState } from '../db/jobs-table';
import { checkImageFile } from '../services/image-files';
import { commitImage } from './commit-image';
import { getJob, itemCounts, pendingItems, setJobState, type PendingItem } from './job-store';

/** What the runner needs of an inference engine (the worker engine satisfies it). */
export interface JobEngine<P = unknown> {
  prepare(path: string): Promise<P>;
  run(prepared: P, categories: AdapterCategory[]): Promise<PredictionResult>;
  release?(prepared: P): Promise<void>;
}

/** How many images are decoded ahead of the one the model is running (by default). */
export const DEFAULT_PREFETCH = 2;
const PROGRESS_INTERVAL_MS = 100;

type Prepared = { ok: true; handles: unknown[] } | { ok: false; error: string };

/**
 * Runs the pending items of one job: the next images decode while the model runs the
 * current one (bounded queue), each image's outputs commit in one transaction with its
 * item state, and pause/cancel finish the image in flight before stopping.
 */
export class JobRunner {
  private stop: 'pause' | 'cancel' | null = null;
  private lastEmit = 0;
  private processed = 0;
  private startedAt = 0;
  private current: string | null = null;
  private queue: { item: PendingItem; prepared: Promise<Prepared> }[] = [];
  /** Why the job paused itself: the project stopped taking writes (full disk, lock, read-only). */
  halted: LwError | null = null;

  constructor(
    private readonly pdb: ProjectDb,
    private readonly jobId: number,
    private readonly engines: JobEngine[],
    private readonly onProgress: (p: JobProgress) => void,
    /** 0 decodes each image only when its turn comes (the serial baseline of the bench). */
    private readonly prefetch = DEFAULT_PREFETCH,
  ) {}

  requestStop(kind: 'pause' | 'cancel'): void {
    this.stop ??= kind;
  }

  /**
   * When the project stops taking writes (disk full, another process holding the write
   * lock past the busy timeout, read-only), the job pauses instead of failing every image:
   * finished images are committed, the image in flight was not (it is still pending, since
   * an item's state only changes in the transaction with its outcome), and running the job
   * again resumes it.
   */
  async run(): Promise<JobState> {
    try {
      return await this.runItems();
    } catch (e) {
      if (!isWriteFailure(e)) throw e;
      return this.halt(e);
    }
  }

  private async runItems(): Promise<JobState> {
    const job = getJob(this.pdb, this.jobId);
    const params = job.params;
    const categories: AdapterCategory[] = params.categories.map((c) => ({
      id: c.id,
      name: c.name,
      prompt: c.prompt,
      threshold: c.threshold ?? params.threshold ?? null,
    }));
    setJobState(this.pdb, this.jobId, 'running');
    this.startedAt = Date.now();
    this.emit('running', true);

    const items = pendingItems(this.pdb, this.jobId);
    const mark = (imageId: number, state: 'failed' | 'skipped', error?: string) =>
      this.pdb.tx(() => setItemState(this.pdb, this.jobId, imageId, state, { error, attempt: state === 'failed', now: Date.now() }));

    // Images a person edited are skipped before decoding: no model time spent on them.
    const skip = (it: PendingItem) => it.humanTouched && !params.overwriteHuman;
    const queue = this.queue;
    let next = 0;
    const fill = () => {
      while (queue.length < Math.max(1, this.prefetch) && next < items.length) {
        const item = items[next++];
        if (skip(item)) {
          mark(item.imageId, 'skipped', 'edited by a person (use --overwrite-human to replace)');
          this.processed++;
          continue;
        }
        queue.push({ item, prepared: this.checkThenPrepare(item) });
      }
    };

    fill();
    while (queue.length) {
      if (this.stop) break;
      const { item, prepared } = queue.shift()!;
      if (this.prefetch > 0) fill();
      this.current = item.path;
      const p = await prepared;
      // No separate `running` write: the item stays pending until its outcome commits, so a
      // crash, a full disk or a lock never leaves it half-started.
      if (!p.ok) {
        mark(item.imageId, 'failed', p.error);
      } else {
        try {
          const results = await Promise.all(this.engines.map((e, k) => e.run(p.handles[k], categories)));
          commitImage(this.pdb, this.jobId, params, item, results);
        } catch (e) {
          if (isWriteFailure(e)) throw e; // run() pauses the job
          mark(item.imageId, 'failed', errorText(e));
        }
      }
      this.processed++;
      this.emit('running');
      if (this.prefetch === 0) fill();
    }
    await this.drain(queue);
    this.current = null;

    const counts = itemCounts(this.pdb, this.jobId);
    const state: JobState = this.stop === 'pause' ? 'paused' : this.stop === 'cancel' ? 'cancelled' : counts.pending > 0 ? 'paused' : 'done';
    setJobState(this.pdb, this.jobId, state);
    this.emit(state, true);
    return state;
  }

  /** Pauses the job after a write failure, saying what happened and what was kept. */
  private async halt(e: LwError & { code: Parameters<typeof writeFailureText>[0] }): Promise<JobState> {
    await this.drain(this.queue);
    const c = itemCounts(this.pdb, this.jobId);
    const inFlight = this.current ? ` the image in flight (${basename(this.current)}) was not and is pending again;` : '';
    const message =
      `${writeFailureText(e.code, this.pdb.path)}: pre-labeling paused. ${c.done} image(s) done and saved;${inFlight}` +
      ` ${c.pending + c.running} left to do.`;
    this.halted = new LwError(e.code, message, `${writeFailureHint(e.code)} Then run the same command again to resume.`, { cause: e });
    try {
      setJobState(this.pdb, this.jobId, 'paused', message);
    } catch {
      // The project still takes no writes: the job row keeps its old state, and starting the
      // job again resumes it all the same (its items are pending).
    }
    this.current = null;
    this.emit('paused', true, message);
    return 'paused';
  }

  /**
   * The file must still be the one that was added (services/image-files.ts, the editor's
   * lazy check: size and mtime first, sha256 when they differ): a same-size edit would
   * otherwise be labelled against the old record. A file that no longer reads as an image
   * goes on to the decoder, whose error names what is wrong with it.
   */
  private async checkThenPrepare(item: PendingItem): Promise<Prepared> {
    let check;
    try {
      check = await checkImageFile(this.pdb, item.imageId);
    } catch (e) {
      return { ok: false, error: errorText(e) };
    }
    if (check.state === 'changed' || check.state === 'missing') return { ok: false, error: `${check.message} ${FILE_HINT[check.state]}` };
    return this.prepareAll(item.path);
  }

  private async prepareAll(path: string): Promise<Prepared> {
    const settled = await Promise.allSettled(this.engines.map((e) => e.prepare(path)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(settled.map((s, k) => (s.status === 'fulfilled' ? this.engines[k].release?.(s.value) : undefined)));
      return { ok: false, error: errorText(failed.reason) };
    }
    return { ok: true, handles: settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) };
  }

  /** Images decoded ahead but not run are released; their items stay pending. */
  private async drain(queue: { prepared: Promise<Prepared> }[]): Promise<void> {
    for (const q of queue.splice(0)) {
      const p = await q.prepared;
      if (p.ok) await Promise.all(p.handles.map((h, k) => this.engines[k].release?.(h)));
    }
  }

  private emit(state: JobState, force = false, error: string | null = null): void {
    const now = Date.now();
    if (!force && now - this.lastEmit < PROGRESS_INTERVAL_MS) return;
    this.lastEmit = now;
    const c = itemCounts(this.pdb, this.jobId);
    const elapsed = (now - this.startedAt) / 1000;
    const rate = elapsed > 0 ? this.processed / elapsed : 0;
    const remaining = c.pending + c.running;
    this.onProgress({
      jobId: this.jobId,
      state,
      total: c.total,
      done: c.done,
      failed: c.failed,
      skipped: c.skipped,
      imagesPerSecond: rate,
      etaSeconds: rate > 0 && remaining > 0 ? remaining / rate : remaining === 0 ? 0 : null,
      currentFile: this.current,
      error,
    });
  }
}

const FILE_HINT = {
  changed: 'Add its folder again with --update-changed to take the new content, then run the job again.',
  missing: 'Put the file back, or add its new folder, then run the job again.',
} as const;

function errorText(e: unknown): string {
  if (e instanceof LwError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

