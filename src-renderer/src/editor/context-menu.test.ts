import { describe, expect, it } from 'vitest';
import { menuKey } from './context-menu';

// Three entries: Accept (Enter), Delete (Del), Hide (H).
const keys = [['enter'], ['delete'], ['h']];

describe('the right-click menu keys', () => {
  it('Esc closes; arrows, Tab, Home and End move the focus, wrapping', () => {
    expect(menuKey('escape', keys, 1)).toEqual({ kind: 'close' });
    expect(menuKey('arrowdown', keys, -1)).toEqual({ kind: 'focus', index: 0 });
    expect(menuKey('arrowdown', keys, 2)).toEqual({ kind: 'focus', index: 0 });
    expect(menuKey('arrowup', keys, -1)).toEqual({ kind: 'focus', index: 2 });
    expect(menuKey('arrowup', keys, 0)).toEqual({ kind: 'focus', index: 2 });
    expect(menuKey('tab', keys, 0)).toEqual({ kind: 'focus', index: 1 });
    expect(menuKey('shift+tab', keys, 1)).toEqual({ kind: 'focus', index: 0 });
    expect(menuKey('home', keys, 2)).toEqual({ kind: 'focus', index: 0 });
    expect(menuKey('end', keys, 0)).toEqual({ kind: 'focus', index: 2 });
  });

  it('Enter runs the focused entry (none focused: the entry Enter belongs to); an entry key runs its entry', () => {
    expect(menuKey('enter', keys, 2)).toEqual({ kind: 'run', index: 2 });
    expect(menuKey('space', keys, 1)).toEqual({ kind: 'run', index: 1 });
    expect(menuKey('enter', keys, -1)).toEqual({ kind: 'run', index: 0 });
    expect(menuKey('delete', keys, -1)).toEqual({ kind: 'run', index: 1 });
    expect(menuKey('h', keys, 0)).toEqual({ kind: 'run', index: 2 });
  });

  it('every other key does nothing (no editor key acts behind the menu)', () => {
    for (const k of ['d', 'a', 'space', 'mod+z', 'arrowleft', 'r', '1'])
      expect(menuKey(k, keys, -1)).toEqual({ kind: 'none' });
  });
});
