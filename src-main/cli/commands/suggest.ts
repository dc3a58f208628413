/**
 * `labelwright suggest <pack> <image> --box x,y,w,h [--categories "a,b"] [--json]`: ranks
 * categories for a box a person drew (Pix2seq: the box is fed as the first four tokens and
 * the next token's distribution is read; MODELS.md § Pix2seq). Without --categories, every
 * class of the pack's labels.json is ranked.
 */
import type { Bbox } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import type { InferenceEngine } from '../../inference/engine';
import type { AdapterCategory, Suggestion } from '../../inference/types';
import type { RegisterCommand } from '../command';
import { emit, table } from '../output';
import { parseCategories } from './predict';

interface SuggestOptions {
  box: string;
  categories?: string;
  inProcess?: boolean;
}

/** "x,y,w,h" in original pixels, with positive width and height. */
export function parseBox(text: string): Bbox {
  const parts = text.split(',').map((s) => s.trim());
  const v = parts.map(Number);
  if (parts.length !== 4 || parts.some((s) => s === '') || v.some((n) => !Number.isFinite(n)))
    throw new LwError('INVALID_ARGUMENT', `--box ${text} is not four numbers x,y,w,h`, 'Give the box in image pixels, e.g. --box 100,200,128,128.');
  if (!(v[2] > 0 && v[3] > 0)) throw new LwError('INVALID_ARGUMENT', `--box ${text} has no area`, 'Width and height must be positive.');
  return [v[0], v[1], v[2], v[3]];
}

export const register: RegisterCommand = (program, action) => {
  program
    .command('suggest')
    .description('Rank categories for a box drawn on an image (Pix2seq packs)')
    .argument('<pack>', 'pack id or pack folder')
    .argument('<image>', 'image file')
    .requiredOption('-b, --box <x,y,w,h>', 'the box, in image pixels')
    .option('-c, --categories <list>', 'comma-separated category names to rank (default: every class of the pack)')
    .option('--in-process', 'run on the calling thread instead of the inference worker', false)
    .action(
      action(async (opts, packRef: string, imagePath: string, cmdOpts: SuggestOptions) => {
        const box = parseBox(cmdOpts.box);
        const categories: AdapterCategory[] = cmdOpts.categories === undefined ? [] : parseCategories(cmdOpts.categories);
        const engine: InferenceEngine = cmdOpts.inProcess
          ? await (await import('../../inference/engine')).createEngine({ pack: packRef })
          : await (await import('../../inference/worker/worker-engine')).createWorkerEngine({ pack: packRef });
        let suggestions: Suggestion[];
        try {
          suggestions = await engine.suggest(imagePath, box, categories);
        } finally {
          await engine.close();
        }
        const info = engine.info;
        emit(opts, { pack: info.packId, kind: info.kind, ep: info.ep, image: imagePath, box, suggestions }, () =>
          [
            `${info.packId} (${info.kind}${info.fixture ? ', fixture' : ''}): categories for the box ${box.join(', ')} in ${imagePath}`,
            table(
              suggestions.map((s, i) => [i + 1, s.name, s.probability.toFixed(3)]),
              ['rank', 'category', 'probability'],
            ),
          ].join('\n'),
        );
      }),
    );
};
