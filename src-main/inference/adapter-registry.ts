/** Adapters keyed by pack `kind`; a new model kind registers one factory here. */
import { LwError } from '../shared/errors';
import { createGlipAdapter, GLIP_ROLES } from './glip/adapter';
import { createGroupvitAdapter, GROUPVIT_ROLES } from './groupvit/adapter';
import { createPix2seqAdapter, PIX2SEQ_ROLES } from './pix2seq/adapter';
import { createSamAdapter, SAM_ROLES } from './sam/adapter';
import { createUniterAdapter, UNITER_ROLES } from './uniter/adapter';
import type { AdapterFactory } from './types';

interface AdapterEntry {
  create: AdapterFactory;
  roles: readonly string[];
}

const adapters = new Map<string, AdapterEntry>([
  ['glip', { create: createGlipAdapter, roles: GLIP_ROLES }],
  ['groupvit', { create: createGroupvitAdapter, roles: GROUPVIT_ROLES }],
  ['pix2seq', { create: createPix2seqAdapter, roles: PIX2SEQ_ROLES }],
  ['sam', { create: createSamAdapter, roles: SAM_ROLES }],
  ['uniter', { create: createUniterAdapter, roles: UNITER_ROLES }],
]);

export function registerAdapter(kind: string, entry: AdapterEntry): void {
  adapters.set(kind, entry);
}

export function adapterFor(kind: string): AdapterEntry {
  const a = adapters.get(kind);
  if (!a) throw new LwError('MODEL_PACK_INVALID', `No adapter for model kind '${kind}'`, `Known kinds: ${[...adapters.keys()].join(', ')}.`);
  return a;
}

export function adapterKinds(): string[] {
  return [...adapters.keys()];
}
