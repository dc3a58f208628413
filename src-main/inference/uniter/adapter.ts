/**
 * The registry's entry for `uniter` packs. UNITER scores image–text pairs and finds no
 * objects. Its `run` is the label audit's per-image step: the regions once, then one ITM pass
 * per category (its prompt text), returned as `scores` with no detections or masks. Callers
 * that want a detector (prelabel, `predict --categories`) refuse a uniter pack first with
 * `notADetector`. Its other entry point is `createUniterScorer` (predict --text, search).
 */
import { LwError } from '../../shared/errors';
import { checkNotConsumed, type PreparedImage } from '../image/pipeline';
import type { SessionPool } from '../runtime/session-pool';
import type { AdapterCategory, ModelAdapter, PackRef, PredictionResult } from '../types';
import { phraseOf } from '../glip/prompt';
import { prepareForRegions } from './preprocess';
import { createUniterScorer } from './scorer';

export const UNITER_ROLES = ['regions', 'itm', 'tokenizer'] as const;

export function notADetector(packId: string): LwError {
  return new LwError(
    'INVALID_ARGUMENT',
    `${packId} is a uniter pack: it scores how well a text matches an image, and does not detect objects`,
    'Audit labels with `labelwright audit <project> --pack <uniter pack>`, score texts with `labelwright predict <pack> <image> --text "…"`, or rank images with `labelwright search`; pre-label with a glip, groupvit or pix2seq pack.',
  );
}

export async function createUniterAdapter(pack: PackRef, pool: SessionPool): Promise<ModelAdapter> {
  const scorer = await createUniterScorer(pack, pool);
  return {
    kind: 'uniter',
    epReport: scorer.epReport,
    prepSpec: { kind: 'uniter' },
    prepare: prepareForRegions,
    async run(img: PreparedImage, categories: AdapterCategory[]): Promise<PredictionResult> {
      checkNotConsumed(img);
      if (!categories.length) throw new LwError('INVALID_ARGUMENT', 'No categories to score', 'A uniter pack scores each category’s prompt text against the image.');
      const t0 = performance.now();
      const set = await scorer.regionsOf(img);
      const scores: NonNullable<PredictionResult['scores']> = [];
      for (const c of categories) {
        const s = await scorer.score(set, phraseOf(c));
        scores.push({ categoryId: c.id, rankLogit: s.rankLogit, truncatedPieces: s.truncatedPieces });
      }
      return {
        packId: pack.manifest.id,
        kind: 'uniter',
        width: set.width,
        height: set.height,
        detections: [],
        masks: [],
        ep: scorer.epReport.ep,
        timings: { inferMs: performance.now() - t0, postMs: 0 },
        scores,
        regions: set.count,
      };
    },
    dispose: () => scorer.dispose(),
  };
}
