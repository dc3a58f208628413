import { Tokenizer } from '@huggingface/tokenizers';
import { bertFixtureTokenizer, clipFixtureTokenizer } from '/work/main/src-main/inference/fixtures/tokenizers.ts';
const b = new Tokenizer(bertFixtureTokenizer(), {});
for (const s of ['red . reddish . blue . ', 'Bluish Réd, car.', 'zzz red']) { const e = b.encode(s); console.log(s, e.ids, e.tokens, e.attention_mask); }
const c = new Tokenizer(clipFixtureTokenizer().json, {});
for (const s of ['a photo of a red.', 'a photo of a  Grey   car.', 'xyz']) { const e = c.encode(s); console.log(s, e.ids, e.tokens); }
