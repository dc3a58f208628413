/**
 * GLIP prompts: the caption "p1 . p2 . p3 . " with exact character spans, tokenized to 256
 * positions, each category's span mapped to its tokens (first and last overlapping token,
 * inclusive, [CLS] = 0). Category lists whose caption would exceed 256 tokens are split into
 * several prompts (chunks); the adapter merges their candidates before NMS.
 */
import type { GlipTokenizer } from './tokenizer';

export const GLIP_MAX_TOKENS = 256;

export interface PromptCategory {
  id: number;
  name: string;
  prompt?: string;
  threshold?: number | null;
}

export interface GlipPrompt {
  caption: string;
  /** The categories in this chunk, in caption order. */
  categories: PromptCategory[];
  /** Character span [start, end) of each category's phrase in the caption. */
  spans: [number, number][];
  /** Token index range [first, last] (inclusive) per category; null when it got no token. */
  tokenRanges: ([number, number] | null)[];
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  /** Number of real tokens (with [CLS] and [SEP]). */
  length: number;
}

export const phraseOf = (c: PromptCategory) => (c.prompt?.trim() ? c.prompt.trim() : c.name.trim());

/** First and last token overlapping [s, e), inclusive. */
export function spanToTokens(offsets: [number, number][], s: number, e: number): [number, number] | null {
  let first = -1;
  let last = -1;
  for (let i = 0; i < offsets.length; i++) {
    const [a, b] = offsets[i];
    if (b <= a) continue; // special tokens
    if (a < e && b > s) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? null : [first, last];
}

export function buildPrompt(tok: GlipTokenizer, categories: PromptCategory[], maxTokens = GLIP_MAX_TOKENS): GlipPrompt {
  let caption = '';
  const spans: [number, number][] = [];
  for (const c of categories) {
    const p = phraseOf(c);
    spans.push([caption.length, caption.length + p.length]);
    caption += `${p} . `;
  }
  const enc = tok.encode(caption);
  let ids = enc.ids;
  let offsets = enc.offsets;
  if (ids.length > maxTokens) {
    // Only reachable for a single category whose phrase alone is too long: truncate, keep [SEP].
    ids = [...ids.slice(0, maxTokens - 1), tok.sepId];
    offsets = [...offsets.slice(0, maxTokens - 1), [0, 0]];
  }
  const inputIds = new BigInt64Array(maxTokens).fill(BigInt(tok.padId));
  const attentionMask = new BigInt64Array(maxTokens);
  ids.forEach((id, i) => {
    inputIds[i] = BigInt(id);
    attentionMask[i] = 1n;
  });
  return {
    caption,
    categories,
    spans,
    tokenRanges: spans.map(([s, e]) => spanToTokens(offsets, s, e)),
    inputIds,
    attentionMask,
    tokenTypeIds: new BigInt64Array(maxTokens),
    length: ids.length,
  };
}

/**
 * Splits categories into prompts of at most `maxTokens` tokens each ([CLS] and [SEP] included).
 * WordPiece splits at whitespace and punctuation, so a category's "p . " costs the same tokens
 * alone as inside a caption, and counts add up.
 */
export function buildPrompts(tok: GlipTokenizer, categories: PromptCategory[], maxTokens = GLIP_MAX_TOKENS): GlipPrompt[] {
  const chunks: PromptCategory[][] = [];
  let cur: PromptCategory[] = [];
  let used = 2;
  for (const c of categories) {
    const cost = tok.count(`${phraseOf(c)} . `);
    if (cur.length && used + cost > maxTokens) {
      chunks.push(cur);
      cur = [];
      used = 2;
    }
    cur.push(c);
    used += cost;
  }
  if (cur.length) chunks.push(cur);
  return chunks.map((ch) => buildPrompt(tok, ch, maxTokens));
}
