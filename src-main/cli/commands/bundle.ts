import { resolve } from 'node:path';
import type { JobStart } from '../../shared/api';
import { LwError } from '../../shared/errors';
import { ProjectService } from '../../services/project-service';
import { createBundle } from '../../jobs/bundle';
import type { RegisterCommand } from '../command';
import { emit } from '../output';

interface BundleFlags {
  pack: string[];
  categories?: string;
  fromProject?: boolean;
  fuse?: boolean;
  threshold?: string;
  images: string;
  overwriteHuman?: boolean;
  shards: string;
  out: string;
}

/**
 * The job flags are prelabel's, read the same way (prelabel.ts): the request, and so the
 * job's signature, must be the one `prelabel` makes, so that it resumes the bundled job.
 */
export const register: RegisterCommand = (program, action) => {
  program
    .command('bundle')
    .description('write a pre-labeling job out as a work bundle of shards for other machines (`work` runs a shard, `merge` brings results back)')
    .argument('<project>', 'project file')
    .requiredOption('--pack <id>', 'model pack id (repeat for GLIP + GroupViT)', collect, [])
    .option('--categories <names>', 'comma-separated categories to prompt with (created if missing)')
    .option('--from-project', 'prompt with every category of the project (the default)')
    .option('--fuse', 'give each GLIP box the GroupViT mask of its class, cut to the box')
    .option('--threshold <score>', 'score threshold for categories without their own (default 0.5)')
    .option('--images <which>', 'unlabeled, all, or a glob over image paths', 'unlabeled')
    .option('--overwrite-human', 'also replace annotations people made (they are kept as history)')
    .requiredOption('--shards <n>', 'how many shards (one worker each; a Kubernetes Indexed Job’s completions)')
    .requiredOption('--out <dir>', 'the bundle folder (new or empty)')
    .action(
      action(async (opts, project: string, flags: BundleFlags) => {
        if (flags.categories && flags.fromProject) throw new LwError('INVALID_ARGUMENT', 'Use either --categories or --from-project, not both');
        const threshold = flags.threshold === undefined ? undefined : Number(flags.threshold);
        if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
          throw new LwError('INVALID_ARGUMENT', `--threshold must be a number in [0, 1], got "${flags.threshold}"`);
        const shards = Number(flags.shards);
        if (!Number.isInteger(shards) || shards < 1 || shards > 100_000)
          throw new LwError('INVALID_ARGUMENT', `--shards must be a whole number from 1 to 100000, got "${flags.shards}"`);
        const svc = ProjectService.open(resolve(project));
        try {
          const categoryIds = flags.categories ? ensureCategories(svc, flags.categories) : undefined;
          const target: JobStart['target'] = flags.images === 'all' ? { kind: 'all' } : { kind: 'unlabeled' };
          const glob = flags.images !== 'all' && flags.images !== 'unlabeled' ? flags.images : undefined;
          const r = await createBundle(
            svc,
            { packs: flags.pack, target, categoryIds, threshold, fuse: flags.fuse === true, overwriteHuman: flags.overwriteHuman === true },
            { shards, out: flags.out, glob },
          );
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

function ensureCategories(svc: ProjectService, names: string): number[] {
  const wanted = names.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted.length) throw new LwError('INVALID_ARGUMENT', '--categories is empty');
  return svc.ensureCategories(wanted);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
