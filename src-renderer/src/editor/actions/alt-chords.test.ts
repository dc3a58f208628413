/**
 * Alt chords match on the physical key: macOS Option changes the character (Alt+1 arrives as
 * e.key '¡', Alt+2 '™', Alt+3 '£', Alt+Y '¥', Alt+E as a dead key), so e.key alone never
 * matched Alt+1…3 there. The events below are what Chrome on macOS (US layout) delivers.
 * No DOM in this test run: each event is a KeyboardEvent's init dictionary, the fields the
 * editor's handler reads.
 */
import { describe, expect, it } from 'vitest';
import { actionForKey } from './index';
import { chordOf } from './keys';

const altKey = (key: string, code: string, mods: { shiftKey?: boolean; ctrlKey?: boolean } = {}) => ({
  key,
  code,
  altKey: true,
  ctrlKey: mods.ctrlKey ?? false,
  metaKey: false,
  shiftKey: mods.shiftKey ?? false,
});

describe('Alt chords on macOS', () => {
  it('Option+1…3 (e.key ¡ ™ £) pick suggestions 1…3, as Alt+1…3 do elsewhere', () => {
    expect(actionForKey(altKey('¡', 'Digit1'), 'default')?.id).toBe('suggest.1');
    expect(actionForKey(altKey('™', 'Digit2'), 'default')?.id).toBe('suggest.2');
    expect(actionForKey(altKey('£', 'Digit3'), 'default')?.id).toBe('suggest.3');
    // The same under the CVAT scheme, and the same as the Windows/Linux events.
    expect(actionForKey(altKey('¡', 'Digit1'), 'cvat')?.id).toBe(actionForKey(altKey('1', 'Digit1'), 'cvat')?.id);
    expect(actionForKey(altKey('2', 'Digit2'), 'default')?.id).toBe('suggest.2');
  });

  it('Option+letter and dead keys name the letter; Shift stays part of the chord', () => {
    expect(chordOf(altKey('¥', 'KeyY'))).toBe('alt+y');
    expect(chordOf(altKey('Dead', 'KeyE'))).toBe('alt+e');
    expect(chordOf(altKey('Á', 'KeyY', { shiftKey: true }))).toBe('alt+shift+y');
    // AZERTY: Alt+& is the key marked 1; a letter the layout gives is kept (KeyQ types 'a').
    expect(chordOf(altKey('&', 'Digit1'))).toBe('alt+1');
    expect(chordOf(altKey('a', 'KeyQ'))).toBe('alt+a');
  });

  it('without Alt the character still decides, and named keys keep their names', () => {
    // Plain '¡' typed some other way is not Alt+1.
    expect(actionForKey({ ...altKey('¡', 'Digit1'), altKey: false }, 'default')).toBeUndefined();
    expect(chordOf({ ...altKey('a', 'KeyQ'), altKey: false })).toBe('a');
    expect(chordOf(altKey('ArrowLeft', 'ArrowLeft'))).toBe('alt+arrowleft');
    // Numpad with Num Lock off: e.key says End, and End it stays.
    expect(chordOf(altKey('End', 'Numpad1'))).toBe('alt+end');
  });
});
