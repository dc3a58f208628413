import { resolve } from 'node:path';
import { LwError } from '../../shared/errors';
import { ProjectService } from '../../services/project-service';
import { LocalJobService } from '../../jobs/local-job-service';
import type { RegisterCommand } from '../command';
import { emit, table, type GlobalOptions } from '../output';
import { droppedLine, follow } from './prelabel';

const USAGE = 'jobs <project> | jobs show <project> <job> | jobs resume <project> <job> | jobs retry <project> <job>';

export const register: RegisterCommand = (program, action) => {
  program
    .command('jobs')
    .description('list pre-labeling jobs, show one with its failed images, resume one, or retry its failed images')
    .usage(USAGE)
    .argument('<project-or-action>', 'a project file to list its jobs, or show | resume | retry')
    .argument('[args...]', '<project> <job> for show, resume and retry')
    .action(
      action(async (opts, first: string, args: string[]) => {
        if (first === 'show' || first === 'resume' || first === 'retry') {
          if (args.length !== 2 || !/^\d+$/.test(args[1])) throw new LwError('INVALID_ARGUMENT', `jobs ${first} needs <project> <job>`, `Usage: labelwright ${USAGE}`);
          if (first === 'show') return showJob(opts, args[0], Number(args[1]));
          const svc = ProjectService.open(resolve(args[0]));
          const jobs = new LocalJobService(svc);
          try {
            const jobId = Number(args[1]);
            const started = first === 'resume' ? await jobs.resume(jobId) : await jobs.retry(jobId);
            return await follow(opts, jobs, started);
          } finally {
            await jobs.close();
            svc.close();
          }
        }
        if (args.length) throw new LwError('INVALID_ARGUMENT', `unknown jobs action "${first}"`, `Usage: labelwright ${USAGE}`);
        const svc = ProjectService.open(resolve(first), { readonly: true });
        try {
          const list = new LocalJobService(svc).list();
          emit(opts, list, () =>
            list.length
              ? [
                  table(
                    list.map((j) => [j.jobId, j.mode, j.state, j.packs.join('+'), j.total, j.done, j.failed, j.skipped, j.total - j.done - j.failed - j.skipped, new Date(j.createdAt).toISOString().slice(0, 16).replace('T', ' ')]),
                    ['job', 'kind', 'state', 'packs', 'images', 'done', 'failed', 'skipped', 'pending', 'created'],
                  ),
                  // Why a job stopped (paused, interrupted, failed) fits no column: one line each below.
                  ...list.filter((j) => j.error && j.state !== 'done').map((j) => `job ${j.jobId}: ${j.error}`),
                ].join('\n')
              : 'No jobs yet. Start one with `labelwright prelabel <project> --pack <id>`.',
          );
        } finally {
          svc.close();
        }
      }),
    );
};

/** One job's counts and each failed image with its reason (--json: the same, as data). */
function showJob(opts: GlobalOptions, project: string, jobId: number): void {
  const svc = ProjectService.open(resolve(project), { readonly: true });
  try {
    const jobs = new LocalJobService(svc);
    const info = jobs.info(jobId);
    const failed = jobs.items(jobId, 'failed');
    emit(opts, { ...info, failedItems: failed }, () => {
      const pending = info.total - info.done - info.failed - info.skipped;
      const lines = [
        `Job ${info.jobId}, ${info.mode === 'audit' ? 'an audit' : 'pre-labeling'} (${info.packs.join(' + ')}): ${info.state}${info.error ? ` (${info.error})` : ''}`,
        `${info.total} image(s): ${info.done} done, ${info.failed} failed, ${info.skipped} skipped, ${pending} pending`,
      ];
      const dropped = droppedLine(info);
      if (dropped) lines.push(dropped);
      if (failed.length) {
        lines.push('Failed:');
        for (const f of failed) lines.push(`  ${f.name}: ${f.error ?? 'no reason recorded'}`);
        lines.push(`Retry them with \`labelwright jobs retry ${project} ${jobId}\`.`);
      }
      return lines.join('\n');
    });
  } finally {
    svc.close();
  }
}
