import type { Command } from 'commander';
import type { JobStart } from '../shared/api';
import { LwError } from '../shared/errors';
import type { ProjectService } from '../services/project-service';

/**
 * The flags that say what a pre-labeling job does, and the request they make. `prelabel`
 * and `bundle` both read them here: the request, and so the job's signature, must be the
 * same for both, so that `prelabel` resumes a bundled job.
 */
export interface JobRequestFlags {
  pack: string[];
  categories?: string;
  fromProject?: boolean;
  fuse?: boolean;
  threshold?: string;
  images: string;
  overwriteHuman?: boolean;
}

/** Adds the job-request options to a command. */
export function withJobRequestOptions(command: Command): Command {
  return command
    .requiredOption('--pack <id>', 'model pack id (repeat for GLIP + GroupViT)', collect, [])
    .option('--categories <names>', 'comma-separated categories to prompt with (created if missing)')
    .option('--from-project', 'prompt with every category of the project (the default)')
    .option('--fuse', 'give each GLIP box the GroupViT mask of its class, cut to the box')
    .option('--threshold <score>', 'score threshold for categories without their own (default 0.5)')
    .option('--images <which>', 'unlabeled, all, or a glob over image paths', 'unlabeled')
    .option('--overwrite-human', 'also replace annotations people made (they are kept as history)');
}

/** Refuses contradictory or malformed flags before the project is opened; returns the threshold. */
export function checkJobRequestFlags(flags: JobRequestFlags): number | undefined {
  if (flags.categories && flags.fromProject) throw new LwError('INVALID_ARGUMENT', 'Use either --categories or --from-project, not both');
  const threshold = flags.threshold === undefined ? undefined : Number(flags.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
    throw new LwError('INVALID_ARGUMENT', `--threshold must be a number in [0, 1], got "${flags.threshold}"`);
  return threshold;
}

/**
 * The job request the flags make, with the glob when --images names a subset by path.
 * Categories named in --categories that the project lacks are created.
 */
export function jobRequestFrom(svc: ProjectService, flags: JobRequestFlags): { request: JobStart; glob?: string } {
  const threshold = checkJobRequestFlags(flags);
  const categoryIds = flags.categories ? ensureCategories(svc, flags.categories) : undefined;
  const target: JobStart['target'] = flags.images === 'all' ? { kind: 'all' } : { kind: 'unlabeled' };
  const glob = flags.images !== 'all' && flags.images !== 'unlabeled' ? flags.images : undefined;
  return { request: { packs: flags.pack, target, categoryIds, threshold, fuse: flags.fuse === true, overwriteHuman: flags.overwriteHuman === true }, glob };
}

function ensureCategories(svc: ProjectService, names: string): number[] {
  const wanted = names.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted.length) throw new LwError('INVALID_ARGUMENT', '--categories is empty');
  return svc.ensureCategories(wanted);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
