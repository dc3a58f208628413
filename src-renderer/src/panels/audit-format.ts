/**
 * How the UNITER audit reads to people. Scores stay in UNITER's own unit, the raw
 * `rank_logit` (what it ranks by and what thresholds are set in); the "match" percentage
 * beside it is only its sigmoid, shown because 0–100 % is easier to read, and labelled so.
 */

/** sigmoid(rank_logit) as a whole percentage. */
export function matchPercent(rankLogit: number): string {
  return `${Math.round(100 / (1 + Math.exp(-rankLogit)))}%`;
}

/** A logit with its sign, to two decimals ("+2.31", "−0.40"). */
export function formatLogit(v: number): string {
  const s = Math.abs(v).toFixed(2);
  return v < 0 ? `−${s}` : `+${s}`;
}

/** The grid tile's audit mark: "2 missing · 1 doubtful"; empty without flags. */
export function auditMark(missing: number, doubtful: number): string {
  return [missing ? `${missing} missing` : '', doubtful ? `${doubtful} doubtful` : '']
    .filter(Boolean)
    .join(' · ');
}

export const AUDIT_KIND_LABEL = { missing: 'Likely missing', doubtful: 'Doubtful' } as const;

/** What a flag kind means, for tooltips. */
export const AUDIT_KIND_WHY = {
  missing:
    'UNITER matches this category’s text on the image at or above its audit threshold, but the image has no annotation of it.',
  doubtful:
    'The image has an annotation of this category, but UNITER matches its text below the audit threshold.',
} as const;
