import { describe, expect, it } from 'vitest';
import { bertFixtureTokenizer } from '../../../tools/fixtures/tokenizers';
import { buildPrompt, buildPrompts, spanToTokens } from './prompt';
import { GlipTokenizer } from './tokenizer';

const tok = GlipTokenizer.fromJson(bertFixtureTokenizer());
const id = (t: string) => bertFixtureTokenizer() && (bertFixtureTokenizer() as { model: { vocab: Record<string, number> } }).model.vocab[t];

describe('GLIP caption and span → token map', () => {
  it('builds "p1 . p2 . " with exact spans', () => {
    const p = buildPrompt(tok, [
      { id: 1, name: 'red' },
      { id: 2, name: 'x', prompt: 'Reddish thing' },
    ]);
    expect(p.caption).toBe('red . Reddish thing . ');
    expect(p.spans).toEqual([
      [0, 3],
      [6, 19],
    ]);
    expect(p.caption.slice(6, 19)).toBe('Reddish thing');
  });

  it('maps a word split into word pieces to all its pieces ([CLS] = 0)', () => {
    const p = buildPrompt(tok, [
      { id: 1, name: 'blue' },
      { id: 2, name: 'reddish' },
    ]);
    // [CLS] blue . red ##dish . [SEP]
    expect(Array.from(p.inputIds.slice(0, 7), Number)).toEqual(['[CLS]', 'blue', '.', 'red', '##dish', '.', '[SEP]'].map(id));
    expect(p.tokenRanges).toEqual([
      [1, 1],
      [3, 4],
    ]);
    expect(p.length).toBe(7);
    expect(Array.from(p.attentionMask.slice(0, 8), Number)).toEqual([1, 1, 1, 1, 1, 1, 1, 0]);
    expect(p.inputIds.length).toBe(256);
    expect(Number(p.inputIds[7])).toBe(id('[PAD]'));
    expect(p.tokenTypeIds.every((v) => v === 0n)).toBe(true);
  });

  it('offsets survive case and accents (normalised text differs from the caption)', () => {
    const enc = tok.encode('RÉD . Reddish');
    expect(enc.tokens).toEqual(['[CLS]', 'red', '.', 'red', '##dish', '[SEP]']);
    expect(enc.offsets).toEqual([
      [0, 0],
      [0, 3],
      [4, 5],
      [6, 9],
      [9, 13],
      [0, 0],
    ]);
  });

  it('an unknown word is one [UNK] spanning the word', () => {
    const enc = tok.encode('zebra red');
    expect(enc.tokens).toEqual(['[CLS]', '[UNK]', 'red', '[SEP]']);
    expect(enc.offsets[1]).toEqual([0, 5]);
    expect(spanToTokens(enc.offsets, 0, 5)).toEqual([1, 1]);
  });

  it('splits a caption past 256 tokens into chunks, each ≤ 256 with its own spans', () => {
    const cats = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, name: i % 2 ? 'reddish square' : 'blue' }));
    // tokens per category: blue . = 2, reddish square . = 4 → 300 + 2 > 256
    const prompts = buildPrompts(tok, cats);
    expect(prompts.length).toBe(2);
    expect(prompts.flatMap((p) => p.categories.map((c) => c.id))).toEqual(cats.map((c) => c.id));
    for (const p of prompts) {
      expect(p.length).toBeLessThanOrEqual(256);
      expect(p.tokenRanges.every((r) => r !== null)).toBe(true);
      const last = p.tokenRanges[p.tokenRanges.length - 1]!;
      expect(last[1]).toBe(p.length - 3); // …, last phrase, '.', [SEP]
    }
    expect(prompts[0].length).toBeGreaterThan(250);
    // first chunk: 42 pairs = 252 tokens + [CLS] + [SEP] = 254; one more 'blue .' fits (256)
    expect(prompts[0].categories.length).toBe(85);
  });
});
