/**
 * One image against several texts (`labelwright predict <uniter pack> <image> --text …`): the
 * regions once, one ITM pass per text. Reports the raw rank_logit (UNITER's match score) and,
 * named as such, its sigmoid.
 */
import { LwError } from '../../shared/errors';
import { resolvePack, sharedSessionPool } from '../engine';
import { createUniterScorer, sigmoid } from './scorer';

export interface TextScore {
  text: string;
  /** The raw ITM logit: the score UNITER ranks by. */
  rankLogit: number;
  /** sigmoid(rankLogit), a 0–1 reading of the same score. */
  sigmoidOfRankLogit: number;
  /** Word pieces cut so that text + regions fit UNITER's 512 positions. */
  truncatedPieces: number;
}

export interface ImageTextScores {
  packId: string;
  fixture: boolean;
  ep: string;
  width: number;
  height: number;
  texts: TextScore[];
  /** The regions the ITM passes saw, best first: [x1, y1, x2, y2] in original pixels. */
  regions: { box: [number, number, number, number]; score: number }[];
  warnings: string[];
}

export async function scoreImageTexts(packRef: string, image: string, texts: string[]): Promise<ImageTextScores> {
  if (!texts.length) throw new LwError('INVALID_ARGUMENT', 'No text to score', 'Pass --text "…" once per text.');
  const pack = await resolvePack(packRef);
  if (pack.manifest.kind !== 'uniter')
    throw new LwError('INVALID_ARGUMENT', `--text scores texts with a uniter pack; ${pack.manifest.id} is a ${pack.manifest.kind} pack`, 'Pass --categories "name1,name2" for this pack, or a uniter pack with --text.');
  const scorer = await createUniterScorer(pack, sharedSessionPool());
  try {
    const set = await scorer.regions(image);
    const scored: TextScore[] = [];
    for (const text of texts) {
      const s = await scorer.score(set, text);
      scored.push({ text, rankLogit: s.rankLogit, sigmoidOfRankLogit: sigmoid(s.rankLogit), truncatedPieces: s.truncatedPieces });
    }
    const regions = Array.from({ length: set.count }, (_, k) => ({
      box: Array.from(set.boxes.subarray(4 * k, 4 * k + 4)) as [number, number, number, number],
      score: set.scores[k],
    }));
    const warnings = scorer.tokenizerWarning ? [scorer.tokenizerWarning] : [];
    return { packId: pack.manifest.id, fixture: pack.manifest.fixture === true, ep: scorer.epReport.ep, width: set.width, height: set.height, texts: scored, regions, warnings };
  } finally {
    await scorer.dispose();
  }
}
