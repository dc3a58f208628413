/**
 * CLIP BPE tokenisation for GroupViT from the pack's tokenizer.json (@huggingface/tokenizers):
 * [49406, …, 49407] zero-padded to 77; when truncated, the last token is the end token.
 */
import { readFile } from 'node:fs/promises';
import { Tokenizer } from '@huggingface/tokenizers';
import { LwError } from '../../shared/errors';

export const CLIP_CONTEXT = 77;
export const CLIP_START_ID = 49406;
export const CLIP_END_ID = 49407;

export class ClipTokenizer {
  private constructor(private readonly tok: Tokenizer) {}

  static fromJson(json: unknown, source = 'tokenizer.json'): ClipTokenizer {
    const model = (json as { model?: { type?: string } })?.model;
    if (model?.type !== 'BPE') throw new LwError('MODEL_PACK_INVALID', `${source}: expected CLIP's BPE tokenizer, got ${model?.type ?? 'none'}`);
    let tok: Tokenizer;
    try {
      tok = new Tokenizer(json as object, {});
    } catch (e) {
      throw new LwError('MODEL_PACK_INVALID', `${source}: not a usable tokenizer.json: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (tok.token_to_id('<|startoftext|>') !== CLIP_START_ID || tok.token_to_id('<|endoftext|>') !== CLIP_END_ID)
      throw new LwError('MODEL_PACK_INVALID', `${source}: <|startoftext|>/<|endoftext|> must be ${CLIP_START_ID}/${CLIP_END_ID} as in CLIP`);
    return new ClipTokenizer(tok);
  }

  static async fromFile(path: string): Promise<ClipTokenizer> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new LwError('MODEL_PACK_INVALID', `${path}: not readable JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    return ClipTokenizer.fromJson(json, path);
  }

  /** 77 ids: start, tokens, end, zeros. */
  encode(text: string): number[] {
    const body = this.tok.encode(text, { add_special_tokens: false }).ids;
    const ids = [CLIP_START_ID, ...body.slice(0, CLIP_CONTEXT - 2), CLIP_END_ID];
    while (ids.length < CLIP_CONTEXT) ids.push(0);
    return ids;
  }
}
