import { resolve } from 'node:path';
import type { JobInfo, JobProgress } from '../../shared/api';
import { ProjectService } from '../../services/project-service';
import { LocalJobService } from '../../jobs/local-job-service';
import type { RegisterCommand } from '../command';
import { emit, ExitCode, exitCodeFor, type GlobalOptions } from '../output';
import { createProgress } from '../progress';
import { checkJobRequestFlags, checkJobRequestPacks, jobRequestFrom, withJobRequestOptions, type JobRequestFlags } from '../job-request-flags';

export const register: RegisterCommand = (program, action) => {
  withJobRequestOptions(
    program
      .command('prelabel')
      .description('pre-label a project’s images with one or two model packs (resumable: run it again to continue)')
      .argument('<project>', 'project file'),
  ).action(
    action(async (opts, project: string, flags: JobRequestFlags) => {
      checkJobRequestFlags(flags);
      await checkJobRequestPacks(flags);
      const svc = ProjectService.open(resolve(project));
      const jobs = new LocalJobService(svc);
      try {
        const { request, glob } = jobRequestFrom(svc, flags);
        const started = await jobs.start(request, { resumeSame: true, glob });
        return await follow(opts, jobs, started);
      } finally {
        await jobs.close();
        svc.close();
      }
    }),
  );
};

/**
 * Draws the job's progress (every worker's images, in this and other processes) until this
 * process's worker stops; Ctrl+C pauses it cleanly (a second one exits at once). Another
 * worker may still be running the job then: the job stays `running` and that worker finishes it.
 */
export async function follow(opts: GlobalOptions, jobs: LocalJobService, started: JobInfo): Promise<number> {
  const bar = createProgress(`Job ${started.jobId}`, started.total, { enabled: !opts.json });
  const off = jobs.onProgress((p: JobProgress) => {
    if (p.jobId !== started.jobId) return;
    bar.setTotal(p.total);
    const rate = p.imagesPerSecond ? `${p.imagesPerSecond.toFixed(1)} img/s` : '';
    bar.update(p.done + p.failed + p.skipped, [rate, p.failed ? `${p.failed} failed` : '', p.currentFile?.split(/[\\/]/).pop() ?? ''].filter(Boolean).join('  '));
  });
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(ExitCode.interrupted);
    process.stderr.write('\nPausing after the image in flight… (Ctrl+C again to quit at once)\n');
    void jobs.pause(started.jobId);
  };
  process.on('SIGINT', onSigint);
  try {
    const info = await jobs.whenSettled(started.jobId);
    bar.finish(`${info.state}: ${info.done} done, ${info.failed} failed, ${info.skipped} skipped of ${info.total}`);
    const failures = failedItems(jobs, info.jobId);
    // The project stopped taking writes (disk full, locked, read-only): the job paused itself.
    const halt = jobs.haltedBy(info.jobId);
    emit(opts, { ...info, failures, ...(halt ? { halted: halt.toPayload() } : {}) }, () => {
      const lines = [`Job ${info.jobId} ${info.state}: ${info.done} done, ${info.failed} failed, ${info.skipped} skipped of ${info.total} image(s).`];
      const dropped = droppedLine(info);
      if (dropped) lines.push(dropped);
      for (const f of failures.slice(0, 20)) lines.push(`  failed: ${f.path}: ${f.error}`);
      if (failures.length > 20) lines.push(`  … and ${failures.length - 20} more (labelwright --json jobs <project>)`);
      if (halt) lines.push(halt.message, halt.hint ?? '');
      else if (info.state === 'paused' || info.state === 'cancelled') lines.push('Run the same command again, or `labelwright jobs resume <project> <job>`, to continue.');
      else if (info.state === 'running') lines.push('Other workers are still running this job; they finish it.');
      if (info.state === 'failed' && info.error) lines.push(`Reason: ${info.error}`);
      return lines.join('\n');
    });
    if (halt) return exitCodeFor(halt);
    if (info.state === 'paused' || info.state === 'cancelled' || (info.state === 'running' && interrupts > 0)) return ExitCode.interrupted;
    if (info.state === 'failed') return ExitCode.model;
    return info.failed ? ExitCode.badInput : ExitCode.ok;
  } finally {
    off();
    process.off('SIGINT', onSigint);
  }
}

/**
 * What a closed-set model found that no category asked for (dropped, counted per class), as
 * one line; null when nothing was dropped.
 */
export function droppedLine(info: JobInfo): string | null {
  const entries = Object.entries(info.droppedClasses).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (!entries.length) return null;
  const total = entries.reduce((n, [, c]) => n + c, 0);
  return `Dropped ${total} detection(s) of classes no category matches: ${entries.map(([name, n]) => `${name} ×${n}`).join(', ')} (add a category with that name or prompt to keep them).`;
}

function failedItems(jobs: LocalJobService, jobId: number): { path: string; error: string }[] {
  return jobs.failures(jobId);
}
