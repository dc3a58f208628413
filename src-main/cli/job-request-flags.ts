import type { Command } from 'commander';
import type { JobStart } from '../shared/api';
import { LwError } from '../shared/errors';
import type { ProjectService } from '../services/project-service';
import { chooseInstanceMasks, type InstanceMaskSource } from '../services/instance-masks';
import { findPack } from '../inference/packs/index';

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
  /** Default: unlabeled for pre-labeling, all for an audit. */
  images?: string;
  overwriteHuman?: boolean;
  masks?: string;
}

/** Adds the job-request options to a command. */
export function withJobRequestOptions(command: Command): Command {
  return command
    .requiredOption('--pack <id>', 'model pack id (repeat for GLIP + GroupViT)', collect, [])
    .option('--categories <names>', 'comma-separated categories to prompt with (created if missing)')
    .option('--from-project', 'prompt with every category of the project (the default)')
    .option('--fuse', 'give each GLIP box the GroupViT mask of its class, cut to the box (the same as --masks groupvit)')
    .option('--masks <source>', 'with a detector: where box masks come from, sam (SAM prompted with each box; the default with a sam pack) or groupvit (the class mask cut to the box)')
    .option('--threshold <score>', 'score threshold for categories without their own (default 0.5)')
    .option('--images <which>', 'unlabeled (the default; all with --audit), all, or a glob over image paths')
    .option('--overwrite-human', 'also replace annotations people made (they are kept as history)');
}

/** Refuses contradictory or malformed flags before the project is opened; returns the threshold. */
export function checkJobRequestFlags(flags: JobRequestFlags): number | undefined {
  if (flags.categories && flags.fromProject) throw new LwError('INVALID_ARGUMENT', 'Use either --categories or --from-project, not both');
  const threshold = flags.threshold === undefined ? undefined : Number(flags.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
    throw new LwError('INVALID_ARGUMENT', `--threshold must be a number in [0, 1], got "${flags.threshold}"`);
  maskSourceOf(flags);
  return threshold;
}

/** --masks as the request takes it; refuses another word and the contradiction with --fuse (chooseInstanceMasks). */
function maskSourceOf(flags: JobRequestFlags): InstanceMaskSource | undefined {
  if (flags.masks === undefined) return undefined;
  if (flags.masks !== 'sam' && flags.masks !== 'groupvit')
    throw new LwError('INVALID_ARGUMENT', `--masks must be sam or groupvit, got "${flags.masks}"`, 'sam: SAM prompted with each detected box; groupvit: the GroupViT class mask cut to the box.');
  if (flags.masks === 'sam' && flags.fuse) chooseInstanceMasks([], true, 'sam');
  return flags.masks;
}

/**
 * Refuses a --masks the packs cannot give (e.g. --masks groupvit without a groupvit pack)
 * before the project is changed: --categories creates categories, and a refused command
 * leaves nothing behind. The job's planning applies the same rule (chooseInstanceMasks).
 */
export async function checkJobRequestPacks(flags: JobRequestFlags): Promise<void> {
  const masks = maskSourceOf(flags);
  if (masks === undefined) return;
  const kinds = await Promise.all(flags.pack.map(async (id) => (await findPack(id)).manifest.kind));
  chooseInstanceMasks(kinds, flags.fuse === true, masks);
}

/**
 * The job request the flags make, with the glob when --images names a subset by path.
 * Categories named in --categories that the project lacks are created.
 */
export function jobRequestFrom(svc: ProjectService, flags: JobRequestFlags, mode: NonNullable<JobStart['mode']> = 'prelabel'): { request: JobStart; glob?: string } {
  const threshold = checkJobRequestFlags(flags);
  const categoryIds = flags.categories ? ensureCategories(svc, flags.categories) : undefined;
  // An audit checks the labels people made, so by default it covers every image.
  const images = flags.images ?? (mode === 'audit' ? 'all' : 'unlabeled');
  const target: JobStart['target'] = images === 'all' ? { kind: 'all' } : { kind: 'unlabeled' };
  const glob = images !== 'all' && images !== 'unlabeled' ? images : undefined;
  return { request: { packs: flags.pack, target, categoryIds, threshold, fuse: flags.fuse === true, overwriteHuman: flags.overwriteHuman === true, masks: maskSourceOf(flags), mode }, glob };
}

function ensureCategories(svc: ProjectService, names: string): number[] {
  const wanted = names.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted.length) throw new LwError('INVALID_ARGUMENT', '--categories is empty');
  return svc.ensureCategories(wanted);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
