import type { JobInfo, JobItemInfo, JobProgress, JobStart } from '../shared/api';
import type { ProjectService } from '../services/project-service';

/**
 * Bulk pre-labeling jobs of one open project: the surface the RPC layer and the CLI bind
 * to. LocalJobService implements it in this process, with inference in worker threads.
 */
export interface JobService {
  /** Creates the job and its items, starts it in the background, and returns at once. */
  start(req: JobStart): Promise<JobInfo>;
  list(): JobInfo[];
  /** Stops this process's worker after the image in flight; workers in other processes go on (db/README.md, "Job claims"). */
  pause(jobId: number): Promise<JobInfo>;
  /** Adds a worker in this process to the job, beside any in other processes. */
  resume(jobId: number): Promise<JobInfo>;
  /** Marks the job cancelled at once: this worker finishes the image in flight, keeps it, and stops; other workers stop at their next claim. */
  cancel(jobId: number): Promise<JobInfo>;
  retry(jobId: number): Promise<JobInfo>;
  /** The job's images in one state (failed ones with their reasons), in path order. */
  items(jobId: number, state: JobItemInfo['state']): JobItemInfo[];
  /** Resolves when the job stops running (done, paused, cancelled or failed). */
  whenSettled(jobId: number): Promise<JobInfo>;
  onProgress(listener: (p: JobProgress) => void): () => void;
  /** Stops running jobs cleanly (they stay resumable) and releases model sessions. */
  close(): Promise<void>;
}

/** Makes the job service of an open project (the shell injects one that runs models in a utilityProcess). */
export type JobServiceFactory = (project: ProjectService) => JobService;
