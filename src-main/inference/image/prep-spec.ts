import type { PrepSpec } from '../types';
import { glipPlan, groupvitPlan, type ResizePlan } from './pipeline';

/** The resize plan of a pack's preprocessing, from its spec (see PrepSpec). */
export function planFor(spec: PrepSpec): (w: number, h: number) => ResizePlan {
  return spec.kind === 'glip' ? glipPlan(spec.fixed) : groupvitPlan;
}
