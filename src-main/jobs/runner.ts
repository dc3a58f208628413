import { basename } from 'node:path';
import type { JobProgress, JobState } from '../shared/api';
import { LwError } from '../shared/errors';
import { isWriteFailure, writeFailureHint, writeFailureText, type ProjectDb } from '../db/project-db';
import type { AdapterCategory, PredictionResult } from '../inference/types';
import { jobStateOf, releaseClaims, setItemState, setJobStateRow } from '../db/jobs-table';
import { checkImageFile } from '../services/image-files';
import { CLAIM_STALE_MS, HEARTBEAT_INTERVAL_MS, claimNext, heartbeat, othersClaims, reclaimAbandoned, reclaimAbandonedIn, releaseMine } from './claims';
import { commitImage } from './commit-image';
import { runPacks, type PackEngine } from '../inference/sam/box-to-mask';
import { getJob, itemCounts, setJobState, type PendingItem } from './job-store';
import { leavesEditedImages } from './job-params';
import { thisWorker, type WorkerIdentity } from './worker-identity';

/** What the runner needs of an inference engine (the worker engine satisfies it); a sam pack's engine also segments (runPacks). */
export interface JobEngine<P = unknown> extends PackEngine<P> {
  prepare(path: string): Promise<P>;
  run(prepared: P, categories: AdapterCategory[]): Promise<PredictionResult>;
  release?(prepared: P): Promise<void>;
}

/** How many images are decoded ahead of the one the model is running (by default). */
export const DEFAULT_PREFETCH = 2;
const PROGRESS_INTERVAL_MS = 100;

type Prepared = { ok: true; handles: unknown[] } | { ok: false; error: string };

export interface RunnerOptions {
  /** 0 decodes each image only when its turn comes (the serial baseline of the bench). */
  prefetch?: number;
  /** Who this worker is; default: this process (tests and benches run several in one). */
  worker?: WorkerIdentity;
  /** When another worker's claim counts as abandoned; default CLAIM_STALE_MS. */
  staleMs?: number;
  /** How often this worker's claims are kept alive; default HEARTBEAT_INTERVAL_MS (a test stalls it). */
  heartbeatMs?: number;
  /** Where a refused late commit is reported; default stderr. */
  log?: (line: string) => void;
}

/**
 * One worker on one job: it claims pending items one at a time (claims.ts) while other
 * workers, in this or other processes, may claim the rest. The next images decode while the
 * model runs the current one (bounded queue), each image's outputs commit in one transaction
 * with its item state (only while this worker still holds the claim), and pause/cancel
 * finish the image in flight before stopping.
 *
 * Pause stops this worker only: its unfinished claims go back to pending for the others.
 * Cancel marks the job cancelled (the service does it at once) and every worker stops at its
 * next claim. The job stays `running` while another worker holds claims; the last worker out
 * sets the final state (done, paused, or cancelled).
 */
export class JobRunner {
  private stop: 'pause' | 'cancel' | null = null;
  private lastEmit = 0;
  private startedAt = 0;
  private settledAtStart = 0;
  private current: string | null = null;
  private queue: { item: PendingItem; prepared: Promise<Prepared> }[] = [];
  private readonly prefetch: number;
  private readonly worker: WorkerIdentity;
  private readonly staleMs: number;
  private readonly heartbeatMs: number;
  private readonly log: (line: string) => void;
  /** What the job does, in the words of its messages. */
  private doing = 'pre-labeling';
  /** Late commits refused because this worker's claim had been taken back. */
  refused = 0;
  /** Why the job paused itself: the project stopped taking writes (full disk, lock, read-only). */
  halted: LwError | null = null;

  constructor(
    private readonly pdb: ProjectDb,
    private readonly jobId: number,
    private readonly engines: JobEngine[],
    private readonly onProgress: (p: JobProgress) => void,
    o: RunnerOptions = {},
  ) {
    this.prefetch = o.prefetch ?? DEFAULT_PREFETCH;
    this.worker = o.worker ?? thisWorker();
    this.staleMs = o.staleMs ?? CLAIM_STALE_MS;
    this.heartbeatMs = o.heartbeatMs ?? HEARTBEAT_INTERVAL_MS;
    this.log = o.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

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
    const beat = setInterval(() => {
      try {
        heartbeat(this.pdb, this.jobId, this.worker);
      } catch {
        // A heartbeat that cannot be written is not an error of its own: the next claim or
        // commit meets the same failure and pauses the job.
      }
    }, this.heartbeatMs);
    beat.unref();
    try {
      return await this.runItems();
    } catch (e) {
      if (!isWriteFailure(e)) throw e;
      return this.halt(e);
    } finally {
      clearInterval(beat);
    }
  }

  private async runItems(): Promise<JobState> {
    const job = getJob(this.pdb, this.jobId);
    const params = job.params;
    if (params.mode === 'audit') this.doing = 'the audit';
    const categories: AdapterCategory[] = params.categories.map((c) => ({
      id: c.id,
      name: c.name,
      prompt: c.prompt,
      threshold: c.threshold ?? params.threshold ?? null,
    }));
    setJobState(this.pdb, this.jobId, 'running');
    // Claims this worker left behind (an earlier run in this process that halted), and those
    // of workers that are gone, go back to pending before claiming.
    releaseMine(this.pdb, this.jobId, this.worker);
    reclaimAbandoned(this.pdb, this.jobId, this.worker, this.staleMs);
    this.startedAt = Date.now();
    this.settledAtStart = settled(itemCounts(this.pdb, this.jobId));
    this.emit('running', true);

    // Written only while this worker holds the item's claim; a refusal is reported, not applied.
    const mark = (item: PendingItem, state: 'failed' | 'skipped', error?: string) => {
      const ok = this.pdb.tx(() =>
        setItemState(this.pdb, this.jobId, item.imageId, state, { error, attempt: state === 'failed', now: Date.now(), owner: this.worker.id }),
      );
      if (!ok) this.refuse(item, 'its claim was taken back');
    };

    // Images a person edited are skipped before decoding (no model time spent on them), except by an audit, which checks people's labels.
    const skip = (it: PendingItem) => it.humanTouched && leavesEditedImages(params);
    const queue = this.queue;
    let exhausted = false;
    const fill = () => {
      while (!exhausted && !this.stop && queue.length < Math.max(1, this.prefetch)) {
        // Another process cancelled the job: stop at this claim.
        if (jobStateOf(this.pdb, this.jobId) === 'cancelled') {
          this.stop = 'cancel';
          break;
        }
        const item = claimNext(this.pdb, this.jobId, this.worker);
        if (!item) {
          exhausted = true;
          break;
        }
        if (skip(item)) {
          mark(item, 'skipped', 'edited by a person (use --overwrite-human to replace)');
          continue;
        }
        queue.push({ item, prepared: this.checkThenPrepare(item) });
      }
    };

    for (;;) {
      fill();
      while (queue.length) {
        if (this.stop) break;
        const { item, prepared } = queue.shift()!;
        if (this.prefetch > 0) fill();
        this.current = item.path;
        const p = await prepared;
        // The item stays pending (claimed) until its outcome commits, so a crash, a full disk
        // or a lock never leaves it half-started: its claim is simply taken back.
        if (!p.ok) {
          mark(item, 'failed', p.error);
        } else {
          try {
            // With a sam pack, the detectors run first and SAM segments their boxes.
            const results = await runPacks(this.engines, p.handles, categories);
            const outcome = commitImage(this.pdb, this.jobId, params, item, results, this.worker.id);
            if (outcome.state === 'refused') this.refuse(item, outcome.reason ?? 'refused');
          } catch (e) {
            if (isWriteFailure(e)) throw e; // run() pauses the job
            mark(item, 'failed', errorText(e));
          }
        }
        this.emit('running');
        if (this.prefetch === 0) fill();
      }
      // Nothing left to claim: items of workers that died in the meantime may come back.
      if (this.stop || reclaimAbandoned(this.pdb, this.jobId, this.worker, this.staleMs) === 0) break;
      exhausted = false;
    }
    await this.drain(queue);
    this.current = null;
    const state = this.finish();
    this.emit(state, true);
    return state;
  }

  /**
   * Hands back this worker's claims and sets the job's state, in one transaction so that of
   * two workers finishing at once exactly one sees the other gone: while another live worker
   * holds claims the job stays running (that worker finishes it); otherwise this is the last
   * one out and sets done, paused, or cancelled.
   */
  private finish(): JobState {
    return this.pdb.tx(() => {
      releaseClaims(this.pdb, this.jobId, this.worker.id);
      const now = Date.now();
      const current = jobStateOf(this.pdb, this.jobId);
      if (this.stop === 'cancel' || current === 'cancelled') {
        setJobStateRow(this.pdb, this.jobId, 'cancelled', null, now);
        return 'cancelled';
      }
      reclaimAbandonedIn(this.pdb, this.jobId, this.worker, this.staleMs);
      if (othersClaims(this.pdb, this.jobId, this.worker) > 0) return 'running';
      const state: JobState = this.stop === 'pause' || itemCounts(this.pdb, this.jobId).pending > 0 ? 'paused' : 'done';
      setJobStateRow(this.pdb, this.jobId, state, null, now);
      return state;
    });
  }

  private refuse(item: PendingItem, reason: string): void {
    this.refused++;
    this.log(`job ${this.jobId}: the result for ${basename(item.path)} was not saved: ${reason}. Another worker took the image over; nothing was written twice.`);
  }

  /** Pauses the job after a write failure, saying what happened and what was kept. */
  private async halt(e: LwError & { code: Parameters<typeof writeFailureText>[0] }): Promise<JobState> {
    await this.drain(this.queue);
    const c = itemCounts(this.pdb, this.jobId);
    const inFlight = this.current ? ` the image in flight (${basename(this.current)}) was not and is pending again;` : '';
    const message =
      `${writeFailureText(e.code, this.pdb.path)}: ${this.doing} paused. ${c.done} image(s) done and saved;${inFlight}` +
      ` ${c.pending + c.running} left to do.`;
    this.halted = new LwError(e.code, message, `${writeFailureHint(e.code)} Then run the same command again to resume.`, { cause: e });
    try {
      releaseMine(this.pdb, this.jobId, this.worker);
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
    // The job's rate, every worker's images together, since this worker started.
    const rate = elapsed > 0 ? Math.max(0, settled(c) - this.settledAtStart) / elapsed : 0;
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

function settled(c: { done: number; failed: number; skipped: number }): number {
  return c.done + c.failed + c.skipped;
}

function errorText(e: unknown): string {
  if (e instanceof LwError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

