import { describe, expect, it } from 'vitest';
import { actions, keysOf, type KeyScheme } from './index';
import { chordOf, type KeyLike } from './keys';

/** The key event a chord stands for (US layout: '?' and '_' arrive as such, Shift on). */
function eventOf(chord: string): KeyLike {
  const parts =
    chord === '+' ? ['+'] : chord.endsWith('++') ? [...chord.slice(0, -2).split('+'), '+'] : chord.split('+');
  const key = parts[parts.length - 1];
  const mods = new Set(parts.slice(0, -1));
  const named: Record<string, string> = { space: ' ' };
  return {
    key: named[key] ?? key,
    ctrlKey: mods.has('mod'),
    metaKey: false,
    altKey: mods.has('alt'),
    shiftKey: mods.has('shift') || ['?', '_', '+', '{', '}'].includes(key),
  };
}

describe('key bindings', () => {
  for (const scheme of ['default', 'cvat'] as KeyScheme[])
    it(`no two actions share a chord, and every chord can be typed (${scheme} scheme)`, () => {
      const owner = new Map<string, string>();
      for (const a of actions)
        for (const k of keysOf(a, scheme)) {
          // A chord the key handler would never produce is a dead binding (and dodges this check).
          expect(chordOf(eventOf(k)), `${a.id}: '${k}' is not a chord the editor can receive`).toBe(k);
          expect(owner.get(k), `${scheme}: '${k}' is bound to ${owner.get(k)} and ${a.id}`).toBeUndefined();
          owner.set(k, a.id);
        }
    });

  it('moved keys: Shift+H shows rejected, Shift+L opens the label popup, H and L hide and lock', () => {
    const byKey = (k: string) => actions.filter((a) => a.keys.includes(k)).map((a) => a.id);
    expect(byKey('h')).toEqual(['ann.hide']);
    expect(byKey('l')).toEqual(['ann.lock']);
    expect(byKey('shift+h')).toEqual(['pred.showRejected']);
    expect(byKey('shift+l')).toEqual(['box.labelPopup']);
  });
});
