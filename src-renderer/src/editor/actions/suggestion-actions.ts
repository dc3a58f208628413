/**
 * Taking a category the Pix2seq pack suggests for the selected box (editor/suggestions.ts):
 * Y takes the top one, Alt+1…3 the first, second or third in the bar. One undo step each.
 */
import type { Action } from './types';
import { suggestionsFor } from '../suggestions';

const ORDINAL = ['top', 'second', 'third'];

export const suggestionActions: Action[] = ORDINAL.map((which, i) => ({
  id: `suggest.${i + 1}`,
  label:
    i === 0
      ? 'Give the box the top suggested category (suggestion bar; a pix2seq pack chosen in Models)'
      : `Give the box the ${which} suggested category`,
  keys: i === 0 ? ['y', 'alt+1'] : [`alt+${i + 1}`],
  group: 'Boxes' as const,
  capture: 'record' as const,
  perform: ({ store }) => {
    const s = suggestionsFor(store);
    if (s) s.pick(i);
    else store.info('Suggestions are off (Models: suggestions in the editor)');
  },
}));
