import type { PrepSpec } from '../types';
import { glipPlan, groupvitPlan, pix2seqPlan, type ResizePlan } from './pipeline';
import { samPlan } from '../sam/transform';

/** The resize plan of a pack's preprocessing, from its spec (see PrepSpec). */
export function planFor(spec: PrepSpec): (w: number, h: number) => ResizePlan {
  if (spec.kind === 'pix2seq') return pix2seqPlan(spec.size);
  if (spec.kind === 'sam') return samPlan(spec.layout);
  // UNITER subtracts pixel means, which a ResizePlan cannot say: its images are prepared by uniter/preprocess.ts (the prep stage calls it).
  if (spec.kind === 'uniter') throw new Error('a uniter pack’s images are prepared by prepareForRegions, not by a resize plan');
  return spec.kind === 'glip' ? glipPlan(spec.fixed) : groupvitPlan;
}
