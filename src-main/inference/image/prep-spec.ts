import type { PrepSpec } from '../types';
import { glipPlan, groupvitPlan, pix2seqPlan, type ResizePlan } from './pipeline';

/** The resize plan of a pack's preprocessing, from its spec (see PrepSpec). */
export function planFor(spec: PrepSpec): (w: number, h: number) => ResizePlan {
  if (spec.kind === 'pix2seq') return pix2seqPlan(spec.size);
  return spec.kind === 'glip' ? glipPlan(spec.fixed) : groupvitPlan;
}
