/** SAM prompts from command-line text: `--point x,y[,label]` (label 1 by default, 0 removes) and `--box x,y,w,h`. */
import type { Bbox } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import type { SamPoint, SamPrompt } from './sam-types';

function numbers(flag: string, text: string, counts: number[]): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (!counts.includes(parts.length) || parts.some((p) => p === '') || !values.every(Number.isFinite))
    throw new LwError('INVALID_ARGUMENT', `${flag} ${text} is not ${counts.map((n) => (n === 4 ? 'x,y,w,h' : n === 3 ? 'x,y,label' : 'x,y')).join(' or ')}`, `Numbers in image pixels, e.g. ${flag} ${counts[0] === 4 ? '10,20,100,80' : '120,80'}.`);
  return values;
}

export function parsePoint(text: string): SamPoint {
  const [x, y, label = 1] = numbers('--point', text, [2, 3]);
  if (label !== 0 && label !== 1) throw new LwError('INVALID_ARGUMENT', `--point ${text}: the label ${label} is not 1 (add) or 0 (remove)`, 'Write x,y for a positive click, x,y,0 for a negative one.');
  return { x, y, label };
}

export function parseBox(text: string): Bbox {
  const [x, y, w, h] = numbers('--box', text, [4]);
  if (!(w > 0 && h > 0)) throw new LwError('INVALID_ARGUMENT', `--box ${text} has no area`, 'Give x,y,w,h with positive width and height.');
  return [x, y, w, h];
}

export function parsePromptArgs(points: readonly string[], box: string | undefined): SamPrompt {
  return { points: points.map(parsePoint), ...(box !== undefined ? { box: parseBox(box) } : {}) };
}
