/**
 * UNITER's cased WordPiece tokenizer (bert-base-cased tokenizer.json), read with
 * @huggingface/tokenizers as GLIP's is. UNITER was trained on cased text (upstream builds its
 * tokenizer with `do_lower_case=False`), so a tokenizer.json whose normaliser lowercases is
 * used as it is but reported: its ids will not be the ones the model was trained on.
 */
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { LwError } from '../../shared/errors';

interface TokenizerJson {
  model?: { type?: string };
  normalizer?: { type?: string; lowercase?: boolean } | null;
}

export class UniterTokenizer {
  readonly clsId: number;
  readonly sepId: number;
  /** Set when the tokenizer.json lowercases: say it wherever the scores are shown. */
  readonly warning?: string;

  private constructor(private readonly tok: Tokenizer, json: TokenizerJson, source: string) {
    const id = (t: string) => {
      const v = tok.token_to_id(t);
      if (v === undefined) throw new LwError('MODEL_PACK_INVALID', `${source}: the vocabulary has no ${t} token`, 'Use the bert-base-cased tokenizer.json.');
      return v;
    };
    this.clsId = id('[CLS]');
    this.sepId = id('[SEP]');
    if (lowercases(json.normalizer))
      this.warning = `${source} lowercases its input, but UNITER is cased (bert-base-cased): scores will not match the model's training`;
  }

  static fromJson(json: unknown, source = 'tokenizer.json'): UniterTokenizer {
    const type = (json as TokenizerJson | null)?.model?.type;
    if (type !== 'WordPiece')
      throw new LwError('MODEL_PACK_INVALID', `${source}: expected a WordPiece tokenizer (bert-base-cased), got ${type ?? 'none'}`, 'Use the bert-base-cased tokenizer.json (see docs/models/uniter.md).');
    try {
      return new UniterTokenizer(new Tokenizer(json as object, {}), json as TokenizerJson, source);
    } catch (e) {
      if (e instanceof LwError) throw e;
      throw new LwError('MODEL_PACK_INVALID', `${source}: not a usable tokenizer.json: ${e instanceof Error ? e.message : String(e)}`, 'Use the bert-base-cased tokenizer.json.');
    }
  }

  static async fromFile(path: string): Promise<UniterTokenizer> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new LwError('MODEL_PACK_INVALID', `${path}: not readable JSON: ${e instanceof Error ? e.message : String(e)}`, 'Download or import the pack again.');
    }
    return UniterTokenizer.fromJson(json, path);
  }

  /** Word pieces of `text` (no [CLS]/[SEP]), ids and tokens. */
  wordPieces(text: string): { ids: number[]; tokens: string[] } {
    const enc = this.tok.encode(text, { add_special_tokens: false });
    return { ids: [...enc.ids], tokens: [...enc.tokens] };
  }
}

/** BertNormalizer lowercases unless told not to; a Sequence lowercases if any member does. */
function lowercases(n: unknown): boolean {
  if (!n || typeof n !== 'object') return false;
  const o = n as { type?: string; lowercase?: boolean; normalizers?: unknown[] };
  if (o.type === 'BertNormalizer') return o.lowercase !== false;
  if (o.type === 'Lowercase') return true;
  if (o.type === 'Sequence' && Array.isArray(o.normalizers)) return o.normalizers.some(lowercases);
  return false;
}
