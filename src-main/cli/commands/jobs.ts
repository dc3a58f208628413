import { resolve } from 'node:path';
import { LwError } from '../../shared/errors';
import { ProjectService } from '../../services/project-service';
import { LocalJobService } from '../../jobs/local-job-service';
import type { RegisterCommand } from '../command';
import { emit, table } from '../output';
import { follow } from './prelabel';

const USAGE = 'jobs <project> | jobs resume <project> <job> | jobs retry <project> <job>';

export const register: RegisterCommand = (program, action) => {
  program
    .command('jobs')
    .description('list pre-labeling jobs, or resume one, or retry its failed images')
    .usage(USAGE)
    .argument('<project-or-action>', 'a project file to list its jobs, or resume | retry')
    .argument('[args...]', '<project> <job> for resume and retry')
    .action(
      action(async (opts, first: string, args: string[]) => {
        if (first === 'resume' || first === 'retry') {
          if (args.length !== 2 || !/^\d+$/.test(args[1])) throw new LwError('INVALID_ARGUMENT', `jobs ${first} needs <project> <job>`, `Usage: labelwright ${USAGE}`);
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
              ? table(
                  list.map((j) => [j.jobId, j.state, j.packs.join('+'), j.total, j.done, j.failed, j.skipped, j.total - j.done - j.failed - j.skipped, new Date(j.createdAt).toISOString().slice(0, 16).replace('T', ' ')]),
                  ['job', 'state', 'packs', 'images', 'done', 'failed', 'skipped', 'pending', 'created'],
                )
              : 'No jobs yet. Start one with `labelwright prelabel <project> --pack <id>`.',
          );
        } finally {
          svc.close();
        }
      }),
    );
};
