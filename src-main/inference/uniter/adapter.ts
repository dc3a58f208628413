/**
 * The registry's entry for `uniter` packs. UNITER scores image–text pairs and finds no
 * objects, so the detection interface (`run`, used by prelabel and the editor's model runs)
 * refuses with a clear error; its own entry points are `createUniterScorer` (predict --text,
 * search).
 */
import { LwError } from '../../shared/errors';
import type { SessionPool } from '../runtime/session-pool';
import type { ModelAdapter, PackRef } from '../types';
import { prepareForRegions } from './preprocess';
import { createUniterScorer } from './scorer';

export const UNITER_ROLES = ['regions', 'itm', 'tokenizer'] as const;

export function notADetector(packId: string): LwError {
  return new LwError(
    'INVALID_ARGUMENT',
    `${packId} is a uniter pack: it scores how well a text matches an image, and does not detect objects`,
    'Use `labelwright predict <pack> <image> --text "…"` or `labelwright search`; pre-label with a glip, groupvit or pix2seq pack.',
  );
}

export async function createUniterAdapter(pack: PackRef, pool: SessionPool): Promise<ModelAdapter> {
  const scorer = await createUniterScorer(pack, pool);
  return {
    kind: 'uniter',
    epReport: scorer.epReport,
    prepSpec: { kind: 'uniter' },
    prepare: prepareForRegions,
    run: () => Promise.reject(notADetector(pack.manifest.id)),
    dispose: () => scorer.dispose(),
  };
}
