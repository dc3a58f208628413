/**
 * Where a pre-labeling job's instance masks come from (`--masks sam|groupvit`): the one rule
 * that plans a job, commits its images and reads the mask-source report.
 *
 * - `sam`: every detected box prompts the sam pack, and the box's annotation takes SAM's mask
 *   (its box then follows the mask). A groupvit pack in the same job still runs: its class
 *   masks stay recorded as predictions, and none becomes an annotation.
 * - `groupvit`: each box takes the GroupViT mask of its class cut to the box (what `--fuse`
 *   always did; `--fuse` is the older spelling). A sam pack in the same job still runs: its
 *   masks stay recorded as predictions only.
 * - null: neither; every prediction is an annotation (boxes as boxes, class masks as masks).
 *
 * Without `--masks`: a sam pack beside a detector means `sam` (also when a groupvit pack is
 * there too: SAM's masks follow the object, GroupViT's are its class region cut to the box);
 * `--fuse` with a groupvit pack and a detector means `groupvit`.
 */
import type { Bbox, PackKind } from '../shared/contract';
import { rleArea, rleBbox, rleCrop } from '../shared/masks';
import { LwError } from '../shared/errors';

export type InstanceMaskSource = 'sam' | 'groupvit';

const DETECTORS: readonly PackKind[] = ['glip', 'pix2seq'];
const hasDetector = (kinds: readonly PackKind[]) => kinds.some((k) => DETECTORS.includes(k));

/**
 * The source a request asks for, refusing the contradictory ones: `--masks sam` without a sam
 * pack or a detector, `--masks groupvit` without a groupvit pack or a detector, `--fuse` with
 * `--masks sam`.
 */
export function chooseInstanceMasks(kinds: readonly PackKind[], fuse: boolean, masks: InstanceMaskSource | undefined): InstanceMaskSource | null {
  if (masks === 'sam' && fuse)
    throw new LwError('INVALID_ARGUMENT', '--fuse and --masks sam contradict each other: --fuse cuts GroupViT class masks to the boxes', 'Give --masks sam for SAM’s masks, or --masks groupvit (the same as --fuse) for GroupViT’s.');
  if (masks) {
    const needs = masks === 'sam' ? 'sam' : 'groupvit';
    if (!kinds.includes(needs))
      throw new LwError('INVALID_ARGUMENT', `--masks ${masks} needs a ${needs} pack in the job`, `Add --pack <a ${needs} pack> (\`labelwright models list\` shows them), or leave out --masks.`);
    if (!hasDetector(kinds))
      throw new LwError('INVALID_ARGUMENT', `--masks ${masks} gives detected boxes their masks: it needs a detector pack in the job`, 'Add --pack <a glip or pix2seq pack>.');
    return masks;
  }
  if (fuse && kinds.includes('groupvit') && hasDetector(kinds)) return 'groupvit';
  return legacyInstanceMasks(kinds, false);
}

/**
 * What a job recorded before `--masks` existed did: a sam pack beside a detector gave SAM's
 * masks (it ran first), else `--fuse` with a groupvit pack and a detector fused.
 */
export function legacyInstanceMasks(kinds: readonly PackKind[], fuse: boolean): InstanceMaskSource | null {
  if (!hasDetector(kinds)) return null;
  if (kinds.includes('sam')) return 'sam';
  return fuse && kinds.includes('groupvit') ? 'groupvit' : null;
}

/** A job's source, from its recorded parameters (`masks` is absent in jobs recorded before it existed). */
export function jobInstanceMasks(p: { packs: readonly { kind: PackKind }[]; fuse: boolean; masks?: InstanceMaskSource | null }): InstanceMaskSource | null {
  return p.masks !== undefined ? p.masks : legacyInstanceMasks(p.packs.map((k) => k.kind), p.fuse);
}

/**
 * GroupViT's instance mask for a box (`groupvit` source): the class mask cut to the box, with
 * the cut's own box and area; null when the class has no pixels inside the box (the box stays
 * a plain box). `size` is [height, width], the class mask's compressed RLE counts as stored.
 */
export function groupvitInstanceMask(classMaskCounts: string, box: Bbox, size: [number, number]): { rle: string; area: number; bbox: [number, number, number, number] } | null {
  const cut = rleCrop({ size, counts: classMaskCounts }, box);
  const area = rleArea(cut);
  return area > 0 ? { rle: cut.counts, area, bbox: [...rleBbox(cut)] } : null;
}
