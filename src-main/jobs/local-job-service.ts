import { basename } from 'node:path';
import { type JobInfo, type JobItemInfo, type JobProgress, type JobStart } from '../shared/api';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import { createWorkerEngine, type WorkerEngine } from '../inference/worker/worker-engine';
import { failedItems, jobItemsByState } from '../db/jobs-table';
import type { ProjectService } from '../services/project-service';
import type { JobService } from './job-service';
import { droppedClasses, getJob, itemCounts, listJobIds, requeueFailed, setJobState, toJobInfo } from './job-store';
import { JobRunner, type RunnerOptions } from './runner';
import { planJob, type PlanOptions } from './plan-job';
import { workersStopped } from './claims';

/** What a job reads as when it says `running` but its workers are gone (claims.ts, workersStopped). */
export const WORKERS_STOPPED = 'its workers stopped (killed?); run the same command to resume';

interface Active {
  runner: JobRunner;
  done: Promise<JobInfo>;
  last: JobProgress | null;
}

export interface LocalJobServiceOptions {
  /** Images decoded ahead of the one the model runs; 0 turns pipelining off (bench baseline). */
  prefetch?: number;
  /** How a pack's engine is started; default: worker threads (the Electron shell uses a utilityProcess). */
  engine?: (pack: string) => Promise<WorkerEngine>;
  /** Who this service's workers are and when others' claims count as abandoned (runner.ts); defaults: this process, CLAIM_STALE_MS. */
  worker?: RunnerOptions['worker'];
  staleMs?: number;
  heartbeatMs?: number;
  log?: RunnerOptions['log'];
}

export type StartOptions = PlanOptions;

/**
 * Jobs of one open project, run in this process with inference in worker threads. Each
 * job loads its own engines, so a pack that fails to load fails that job at once.
 */
export class LocalJobService implements JobService {
  private readonly active = new Map<number, Active>();
  private readonly listeners = new Set<(p: JobProgress) => void>();
  /** Jobs that paused themselves because the project stopped taking writes, with why. */
  private readonly halts = new Map<number, LwError>();
  /** The project's file: jobs are part of the service layer and write their own tables (db/jobs-table.ts). */
  private readonly pdb: ProjectDb;

  constructor(
    private readonly project: ProjectService,
    private readonly opts: LocalJobServiceOptions = {},
  ) {
    this.pdb = project.pdb;
  }

  async start(raw: JobStart, opts: StartOptions = {}): Promise<JobInfo> {
    const { jobId, resumed } = await planJob(this.project, raw, opts);
    return resumed ? this.resume(jobId) : this.launch(jobId);
  }

  list(): JobInfo[] {
    return listJobIds(this.pdb).map((id) => this.info(id));
  }

  info(jobId: number): JobInfo {
    const job = getJob(this.pdb, jobId);
    const live = this.active.get(jobId)?.last;
    const info = toJobInfo(job, itemCounts(this.pdb, jobId), live ?? undefined, droppedClasses(this.pdb, jobId));
    // The project may not have taken the paused state itself (it takes no writes): say what happened.
    const halt = this.halts.get(jobId);
    if (halt && !this.active.has(jobId)) return { ...info, state: 'paused', error: halt.message };
    // Workers killed mid-job never wrote their state: say the job is interrupted, as read
    // (the row stays `running`; the next worker takes the claims back and carries on).
    if (info.state === 'running' && !this.active.has(jobId) && workersStopped(this.pdb, jobId, this.opts.staleMs)) {
      return { ...info, state: 'paused', error: WORKERS_STOPPED };
    }
    return info;
  }

  /** Why the job paused itself, when the project stopped taking writes during its last run. */
  haltedBy(jobId: number): LwError | undefined {
    return this.halts.get(jobId);
  }

  async pause(jobId: number): Promise<JobInfo> {
    return this.stop(jobId, 'pause');
  }

  async cancel(jobId: number): Promise<JobInfo> {
    return this.stop(jobId, 'cancel');
  }

  /**
   * Adds a worker in this process to the job. Other processes may be working on it too: their
   * items are left alone (the runner takes back only claims of workers that are gone).
   */
  async resume(jobId: number): Promise<JobInfo> {
    const job = getJob(this.pdb, jobId);
    if (this.active.has(jobId)) return this.info(jobId);
    if (job.state === 'done' && itemCounts(this.pdb, jobId).pending === 0) return this.info(jobId);
    return this.launch(jobId);
  }

  async retry(jobId: number): Promise<JobInfo> {
    getJob(this.pdb, jobId);
    if (this.active.has(jobId)) throw new LwError('CONFLICT', `Job ${jobId} is running`, 'Pause it first, or wait for it to finish.');
    requeueFailed(this.pdb, jobId);
    return this.launch(jobId);
  }

  items(jobId: number, state: JobItemInfo['state']): JobItemInfo[] {
    getJob(this.pdb, jobId);
    return jobItemsByState(this.pdb, jobId, state).map((r) => ({ imageId: r.imageId, name: basename(r.path), state: r.state, error: r.error }));
  }

  /** Failed items with their reasons, in path order. */
  failures(jobId: number): { path: string; error: string }[] {
    return failedItems(this.pdb, jobId);
  }

  /** Resolves when the job stops running (done, paused, cancelled or failed). */
  whenSettled(jobId: number): Promise<JobInfo> {
    return this.active.get(jobId)?.done ?? Promise.resolve(this.info(jobId));
  }

  onProgress(listener: (p: JobProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.stop(id, 'pause')));
  }

  /**
   * Pause stops this process's worker (workers in other processes go on). Cancel marks the
   * job cancelled at once, so workers in other processes stop at their next claim too.
   */
  private async stop(jobId: number, kind: 'pause' | 'cancel'): Promise<JobInfo> {
    const a = this.active.get(jobId);
    if (kind === 'cancel' && getJob(this.pdb, jobId).state !== 'done') setJobState(this.pdb, jobId, 'cancelled');
    if (!a) return this.info(jobId);
    a.runner.requestStop(kind);
    return a.done;
  }

  private async launch(jobId: number): Promise<JobInfo> {
    const job = getJob(this.pdb, jobId);
    let engines: WorkerEngine[];
    try {
      engines = [];
      const start = this.opts.engine ?? ((pack: string) => createWorkerEngine({ pack }));
      for (const p of job.params.packs) engines.push(await start(p.id));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      setJobState(this.pdb, jobId, 'failed', `model pack failed to load: ${msg}`);
      throw e instanceof LwError ? e : new LwError('MODEL_LOAD_FAILED', msg);
    }
    const entry: Active = { runner: null as unknown as JobRunner, done: null as unknown as Promise<JobInfo>, last: null };
    entry.runner = new JobRunner(
      this.pdb,
      jobId,
      engines,
      (p) => {
        entry.last = p;
        for (const l of this.listeners) l(p);
      },
      { prefetch: this.opts.prefetch, worker: this.opts.worker, staleMs: this.opts.staleMs, heartbeatMs: this.opts.heartbeatMs, log: this.opts.log },
    );
    this.halts.delete(jobId);
    entry.done = entry.runner
      .run()
      .then(() => {
        if (entry.runner.halted) this.halts.set(jobId, entry.runner.halted);
      })
      .catch((e: unknown) => {
        try {
          setJobState(this.pdb, jobId, 'failed', e instanceof Error ? e.message : String(e));
        } catch {
          // The project takes no writes; the job is resumed from its items all the same.
        }
      })
      .then(async () => {
        await Promise.all(engines.map((e) => e.close()));
        this.active.delete(jobId);
        return this.info(jobId);
      });
    this.active.set(jobId, entry);
    return this.info(jobId);
  }
}
