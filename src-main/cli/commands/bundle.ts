import { resolve } from 'node:path';
import { LwError } from '../../shared/errors';
import { ProjectService } from '../../services/project-service';
import { createBundle } from '../../jobs/bundle';
import { checkAuditPacks } from '../../jobs/plan-job';
import type { RegisterCommand } from '../command';
import { emit } from '../output';
import { checkJobRequestFlags, checkJobRequestPacks, jobRequestFrom, withJobRequestOptions, type JobRequestFlags } from '../job-request-flags';

interface BundleFlags extends JobRequestFlags {
  audit?: boolean;
  shards: string;
  out: string;
}

/**
 * The job flags are prelabel's (job-request-flags.ts): the request, and so the job's
 * signature, must be the one `prelabel` makes, so that it resumes the bundled job.
 */
export const register: RegisterCommand = (program, action) => {
  withJobRequestOptions(
    program
      .command('bundle')
      .description('write a pre-labeling job out as a work bundle of shards for other machines (`work` runs a shard, `merge` brings results back)')
      .argument('<project>', 'project file'),
  )
    .requiredOption('--shards <n>', 'how many shards (one worker each; a Kubernetes Indexed Job’s completions)')
    .requiredOption('--out <dir>', 'the bundle folder (new or empty)')
    .option('--audit', 'bundle a label audit instead (`labelwright audit`): one uniter pack, every image unless --images says otherwise; `work` scores, `merge` stores the scores')
    .action(
      action(async (opts, project: string, flags: BundleFlags) => {
        checkJobRequestFlags(flags);
        await checkJobRequestPacks(flags);
        if (flags.audit) await checkAuditPacks(flags.pack);
        const shards = Number(flags.shards);
        if (!Number.isInteger(shards) || shards < 1 || shards > 100_000)
          throw new LwError('INVALID_ARGUMENT', `--shards must be a whole number from 1 to 100000, got "${flags.shards}"`);
        const svc = ProjectService.open(resolve(project));
        try {
          const { request, glob } = jobRequestFrom(svc, flags, flags.audit ? 'audit' : 'prelabel');
          const r = await createBundle(svc, request, { shards, out: flags.out, glob });
          const m = r.manifest;
          emit(opts, { out: r.out, jobId: m.jobId, signature: m.signature, shards: m.shards, images: m.images, imagesRoot: m.imagesRoot, resumed: r.resumed, existing: r.existing, leftOut: r.leftOut }, () =>
            [
              r.existing
                ? `${r.out} already holds the bundle of job ${m.jobId} (${m.shards} shard(s), ${m.images} image(s)); kept as it is.`
                : `Bundle of job ${m.jobId}${r.resumed ? ' (the unfinished job of the same command)' : ''}: ${m.images} image(s) in ${m.shards} shard(s), written to ${r.out}.`,
              `Images are listed relative to ${m.imagesRoot}; on the workers pass --images-root where that folder is.`,
              r.leftOut ? `${r.leftOut} image(s) a person edited were left out (use --overwrite-human to include them).` : '',
              `Run each shard with \`labelwright work ${r.out} --shard <i> --images-root <root>\` (0 to ${m.shards - 1}), then \`labelwright merge ${project} ${r.out}\`.`,
            ]
              .filter(Boolean)
              .join('\n'),
          );
        } finally {
          svc.close();
        }
      }),
    );
};
