/** UNITER's region selection, position features, cased word pieces and the 512 limit, on hand-worked vectors. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caught } from '../../testing/expect-lw-error';
import { itmText } from './itm-inputs';
import { bgrMinusMeans, uniterSize } from './preprocess';
import { positionFeatures, selectRegions } from './regions';
import { UniterTokenizer } from './tokenizer';

const TOKENIZER = resolve(import.meta.dirname, '../../../models/fixtures/uniter-fixture/tokenizer.json');

describe('region selection: sorted by score, keep clamp(count(score > 0.2), 10, 100)', () => {
  it('fewer than 10 above 0.2: keeps 10, best first', () => {
    // 12 regions, 3 above 0.2 (0.9 at 4, 0.5 at 0, 0.3 at 7); 0.2 itself is not above.
    const s = [0.5, 0.1, 0.05, 0.2, 0.9, 0.15, 0.01, 0.3, 0.12, 0.11, 0.02, 0.19];
    // Sorted: 4 (0.9), 0 (0.5), 7 (0.3), 3 (0.2), 11 (0.19), 5 (0.15), 8 (0.12), 9 (0.11), 1 (0.1), 2 (0.05).
    expect(selectRegions(s)).toEqual([4, 0, 7, 3, 11, 5, 8, 9, 1, 2]);
  });
  it('fewer than 10 regions in all: keeps them all', () => {
    expect(selectRegions([0.1, 0.7, 0.3])).toEqual([1, 2, 0]);
    expect(selectRegions([])).toEqual([]);
  });
  it('between 10 and 100 above 0.2: keeps exactly those', () => {
    // 40 regions: 25 above (0.21 … 0.45 at odd places), 15 at 0.1.
    const s = Array.from({ length: 40 }, (_, i) => (i % 8 < 5 ? 0.21 + (i % 5) * 0.01 + Math.floor(i / 8) * 0.05 : 0.1));
    const kept = selectRegions(s);
    expect(kept).toHaveLength(25);
    expect(kept.every((i) => s[i] > 0.2)).toBe(true);
    // Highest first: region 34 (i mod 5 = 4, ⌊i/8⌋ = 4: 0.21 + 0.04 + 0.2 = 0.45).
    expect(kept[0]).toBe(34);
  });
  it('more than 100 above 0.2: keeps the best 100', () => {
    // 150 regions scored 0.3 + i/1000: the last 100 are the best, highest first.
    const s = Array.from({ length: 150 }, (_, i) => 0.3 + i / 1000);
    expect(selectRegions(s)).toEqual(Array.from({ length: 100 }, (_, k) => 149 - k));
  });
  it('ties keep the detector’s order', () => {
    const s = [0.5, 0.9, 0.5, 0.9, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    expect(selectRegions(s)).toEqual([1, 3, 0, 2, 4, 5, 6, 7, 8, 9]);
  });
});

describe('position features (original pixels)', () => {
  it('[x1/W, y1/H, x2/W, y2/H, w/W, h/H, w/W·h/H]', () => {
    // 200×100 image; box (50, 25)–(150, 75): 0.25, 0.25, 0.75, 0.75, 0.5, 0.5, 0.25.
    // Second box, kept first: (0, 0)–(200, 100), the whole image.
    const boxes = [50, 25, 150, 75, 0, 0, 200, 100];
    const f = positionFeatures(boxes, [1, 0], 200, 100);
    expect(Array.from(f)).toEqual([0, 0, 1, 1, 1, 1, 1, 0.25, 0.25, 0.75, 0.75, 0.5, 0.5, 0.25]);
  });
});

describe('regions preprocessing', () => {
  it('short side 600, long side at most 1000, sides int(x·s + 0.5)', () => {
    expect(uniterSize(640, 480)).toEqual({ width: 800, height: 600 });
    expect(uniterSize(480, 640)).toEqual({ width: 600, height: 800 });
    // 2000×400: 600/400 = 1.5 would make 3000 wide; 1000/2000 = 0.5 wins → 1000×200.
    expect(uniterSize(2000, 400)).toEqual({ width: 1000, height: 200 });
    // 333×517: s = 600/333; 517·s = 931.53… → 932.
    expect(uniterSize(333, 517)).toEqual({ width: 600, height: 932 });
  });
  it('BGR planes minus the Caffe means (102.980, 115.946, 122.771), values in 0–255', () => {
    // One pixel, RGB (255, 0, 10).
    const out = bgrMinusMeans(Uint8Array.from([255, 0, 10]), 1, 1);
    expect(Array.from(out)).toEqual([10 - 102.98, 0 - 115.946, 255 - 122.771].map(Math.fround));
  });
});

describe('cased WordPiece', () => {
  const tok = UniterTokenizer.fromJson(JSON.parse(readFileSync(TOKENIZER, 'utf8')), 'tokenizer.json');
  it('keeps case and splits words into pieces', () => {
    // Vocabulary ids: red 15, Red 18, R 23, ##ED 24, ##dish 21, square 11, a 7.
    expect(tok.wordPieces('Red')).toEqual({ ids: [18], tokens: ['Red'] });
    expect(tok.wordPieces('red')).toEqual({ ids: [15], tokens: ['red'] });
    expect(tok.wordPieces('RED')).toEqual({ ids: [23, 24], tokens: ['R', '##ED'] });
    expect(tok.wordPieces('a reddish square')).toEqual({ ids: [7, 15, 21, 11], tokens: ['a', 'red', '##dish', 'square'] });
    expect(tok.warning).toBeUndefined();
  });
  it('warns when the tokenizer.json lowercases', () => {
    const json = JSON.parse(readFileSync(TOKENIZER, 'utf8'));
    json.normalizer.lowercase = true;
    const lower = UniterTokenizer.fromJson(json, 'lower.json');
    expect(lower.warning).toBe("lower.json lowercases its input, but UNITER is cased (bert-base-cased): scores will not match the model's training");
    expect(lower.wordPieces('Red').tokens).toEqual(['red']);
  });
  it('refuses a tokenizer.json that is not WordPiece', async () => {
    const json = JSON.parse(readFileSync(TOKENIZER, 'utf8'));
    json.model.type = 'BPE';
    const e = await caught((async () => UniterTokenizer.fromJson(json, 'bpe.json'))());
    expect(e.code).toBe('MODEL_PACK_INVALID');
    expect(e.message).toContain('bpe.json: expected a WordPiece tokenizer (bert-base-cased), got BPE');
  });
});

describe('ITM text inputs and the 512 limit', () => {
  it('[CLS] pieces [SEP], position ids 0 … T − 1, mask of T + B ones', () => {
    const t = itmText([7, 15], 2, 3, 10);
    expect(Array.from(t.inputIds)).toEqual([2n, 7n, 15n, 3n]);
    expect(Array.from(t.positionIds)).toEqual([0n, 1n, 2n, 3n]);
    expect(t.attentionMask.length).toBe(14);
    expect(t.attentionMask.every((v) => v === 1n)).toBe(true);
    expect(t.truncated).toBe(0);
  });
  it('cuts word pieces so that T + B ≤ 512', () => {
    // 100 regions leave 412 positions: [CLS] + 410 pieces + [SEP].
    const pieces = Array.from({ length: 500 }, (_, i) => 100 + i);
    const t = itmText(pieces, 2, 3, 100);
    expect(t.inputIds.length).toBe(412);
    expect(t.inputIds[410]).toBe(509n);
    expect(t.inputIds[411]).toBe(3n);
    expect(t.attentionMask.length).toBe(512);
    expect(t.truncated).toBe(90);
    // Exactly at the limit nothing is cut.
    expect(itmText(pieces.slice(0, 410), 2, 3, 100).truncated).toBe(0);
  });
  it('refuses when the regions leave no room for text', async () => {
    const e = await caught((async () => itmText([1], 2, 3, 511))());
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain("511 regions leave no room for text within UNITER's 512 positions");
  });
});
