/**
 * GLIP's WordPiece tokenizer (bert-base-uncased tokenizer.json). Token ids come from
 * @huggingface/tokenizers, which reads tokenizer.json but (0.2) returns no character offsets;
 * offsets are recovered by aligning its tokens against the caption normalised the same way the
 * BertNormalizer does (clean text, accent strip, lowercase), keeping a map back to the
 * original characters. [UNK] stands for a whole pre-token (word or punctuation mark).
 */
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { LwError } from '../../shared/errors';

export interface WordPieceEncoding {
  ids: number[];
  tokens: string[];
  /** [start, end) in the original text, UTF-16 units; [0, 0] for special tokens. */
  offsets: [number, number][];
}

interface TokenizerJson {
  model?: { type?: string; unk_token?: string; continuing_subword_prefix?: string; vocab?: Record<string, number> };
  normalizer?: { type?: string; lowercase?: boolean; strip_accents?: boolean | null } | null;
}

const isPunct = (ch: string) => {
  const c = ch.codePointAt(0)!;
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
  return /\p{P}/u.test(ch);
};
const isSpace = (ch: string) => /\s/u.test(ch);

export class GlipTokenizer {
  readonly clsId: number;
  readonly sepId: number;
  readonly padId: number;
  private readonly unk: string;
  private readonly prefix: string;
  private readonly lowercase: boolean;
  private readonly stripAccents: boolean;

  private constructor(private readonly tok: Tokenizer, json: TokenizerJson, source: string) {
    if (json.model?.type !== 'WordPiece')
      throw new LwError('MODEL_PACK_INVALID', `${source}: expected a WordPiece tokenizer (bert-base-uncased), got ${json.model?.type ?? 'none'}`);
    const id = (t: string) => {
      const v = tok.token_to_id(t);
      if (v === undefined) throw new LwError('MODEL_PACK_INVALID', `${source}: the vocabulary has no ${t} token`);
      return v;
    };
    this.clsId = id('[CLS]');
    this.sepId = id('[SEP]');
    this.padId = id('[PAD]');
    this.unk = json.model.unk_token ?? '[UNK]';
    this.prefix = json.model.continuing_subword_prefix ?? '##';
    this.lowercase = json.normalizer?.lowercase ?? true;
    this.stripAccents = json.normalizer?.strip_accents ?? this.lowercase;
  }

  static fromJson(json: unknown, source = 'tokenizer.json'): GlipTokenizer {
    try {
      return new GlipTokenizer(new Tokenizer(json as object, {}), json as TokenizerJson, source);
    } catch (e) {
      if (e instanceof LwError) throw e;
      throw new LwError('MODEL_PACK_INVALID', `${source}: not a usable tokenizer.json: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  static async fromFile(path: string): Promise<GlipTokenizer> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new LwError('MODEL_PACK_INVALID', `${path}: not readable JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    return GlipTokenizer.fromJson(json, path);
  }

  /** Tokens without [CLS]/[SEP] (for counting). */
  count(text: string): number {
    return this.tok.encode(text, { add_special_tokens: false }).ids.length;
  }

  /** [CLS] tokens [SEP], with offsets into `text`. No truncation. */
  encode(text: string): WordPieceEncoding {
    const enc = this.tok.encode(text, { add_special_tokens: false });
    const offsets = this.align(text, enc.tokens);
    return {
      ids: [this.clsId, ...enc.ids, this.sepId],
      tokens: ['[CLS]', ...enc.tokens, '[SEP]'],
      offsets: [[0, 0], ...offsets, [0, 0]],
    };
  }

  /** Normalised text with, per normalised UTF-16 unit, the original [start, end). */
  private normalise(text: string): { norm: string; start: number[]; end: number[] } {
    let norm = '';
    const start: number[] = [];
    const end: number[] = [];
    let i = 0;
    for (const ch of text) {
      const len = ch.length;
      const c = ch.codePointAt(0)!;
      let out: string;
      if (c === 0 || c === 0xfffd || (/\p{Cc}|\p{Cf}/u.test(ch) && !isSpace(ch))) out = '';
      else if (isSpace(ch)) out = ' ';
      else {
        out = ch;
        if (this.stripAccents) out = out.normalize('NFD').replace(/\p{Mn}/gu, '');
        if (this.lowercase) out = out.toLowerCase();
      }
      for (let k = 0; k < out.length; k++) {
        start.push(i);
        end.push(i + len);
      }
      norm += out;
      i += len;
    }
    return { norm, start, end };
  }

  private align(text: string, tokens: string[]): [number, number][] {
    const { norm, start, end } = this.normalise(text);
    const out: [number, number][] = [];
    let cur = 0;
    for (const t of tokens) {
      const cont = t.startsWith(this.prefix) && t !== this.prefix;
      if (!cont) while (cur < norm.length && isSpace(norm[cur])) cur++;
      let len: number;
      if (t === this.unk) {
        len = 0;
        if (cur < norm.length && isPunct(norm[cur])) len = 1;
        else while (cur + len < norm.length && !isSpace(norm[cur + len]) && !isPunct(norm[cur + len])) len++;
      } else {
        const piece = cont ? t.slice(this.prefix.length) : t;
        if (!norm.startsWith(piece, cur)) {
          const at = norm.indexOf(piece, cur);
          if (at >= 0) cur = at;
        }
        len = piece.length;
      }
      if (len === 0 || cur >= norm.length) {
        const p = cur < norm.length ? start[cur] : text.length;
        out.push([p, p]);
        continue;
      }
      const last = Math.min(cur + len, norm.length) - 1;
      out.push([start[cur], end[last]]);
      cur += len;
    }
    return out;
  }
}
