import { resolve } from 'node:path';
import type { JobInfo, JobProgress, JobStart } from '../../shared/api';
import { LwError } from '../../shared/errors';
import { ProjectService } from '../../services/project-service';
import { LocalJobService } from '../../jobs/local-job-service';
import type { RegisterCommand } from '../command';
import { emit, ExitCode, exitCodeFor, type GlobalOptions } from '../output';
import { createProgress } from '../progress';

interface PrelabelFlags {
  pack: string[];
  categories?: string;
  fromProject?: boolean;
  fuse?: boolean;
  threshold?: string;
  images: string;
  overwriteHuman?: boolean;
}

export const register: RegisterCommand = (program, action) => {
  program
    .command('prelabel')
    .description('pre-label a project’s images with one or two model packs (resumable: run it again to continue)')
    .argument('<project>', 'project file')
    .requiredOption('--pack <id>', 'model pack id (repeat for GLIP + GroupViT)', collect, [])
    .option('--categories <names>', 'comma-separated categories to prompt with (created if missing)')
    .option('--from-project', 'prompt with every category of the project (the default)')
    .option('--fuse', 'give each GLIP box the GroupViT mask of its class, cut to the box')
    .option('--threshold <score>', 'score threshold for categories without their own (default 0.5)')
    .option('--images <which>', 'unlabeled, all, or a glob over image paths', 'unlabeled')
    .option('--overwrite-human', 'also replace annotations people made (they are kept as history)')
    .action(
      action(async (opts, project: string, flags: PrelabelFlags) => {
        if (flags.categories && flags.fromProject) throw new LwError('INVALID_ARGUMENT', 'Use either --categories or --from-project, not both');
        const threshold = flags.threshold === undefined ? undefined : Number(flags.threshold);
        if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
          throw new LwError('INVALID_ARGUMENT', `--threshold must be a number in [0, 1], got "${flags.threshold}"`);
        const svc = ProjectService.open(resolve(project));
        const jobs = new LocalJobService(svc);
        try {
          const categoryIds = flags.categories ? ensureCategories(svc, flags.categories) : undefined;
          const target: JobStart['target'] = flags.images === 'all' ? { kind: 'all' } : { kind: 'unlabeled' };
          const glob = flags.images !== 'all' && flags.images !== 'unlabeled' ? flags.images : undefined;
          const started = await jobs.start(
            { packs: flags.pack, target, categoryIds, threshold, fuse: flags.fuse === true, overwriteHuman: flags.overwriteHuman === true },
            { resumeSame: true, glob },
          );
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

function failedItems(jobs: LocalJobService, jobId: number): { path: string; error: string }[] {
  return jobs.failures(jobId);
}

function ensureCategories(svc: ProjectService, names: string): number[] {
  const wanted = names.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted.length) throw new LwError('INVALID_ARGUMENT', '--categories is empty');
  return svc.ensureCategories(wanted);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
