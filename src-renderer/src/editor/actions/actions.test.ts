import { describe, expect, it } from 'vitest';
import { actionForKey, actions } from './index';

const key = (
  k: string,
  mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; metaKey: boolean; altKey: boolean }> = {},
) => ({
  key: k,
  ctrlKey: false,
  shiftKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('actions', () => {
  it('have unique ids and no clashing keys per scheme', () => {
    expect(new Set(actions.map((a) => a.id)).size).toBe(actions.length);
    for (const scheme of ['default', 'cvat'] as const) {
      const seen = new Map<string, string>();
      for (const a of actions)
        for (const k of scheme === 'cvat' && a.cvatKeys ? a.cvatKeys : a.keys) {
          expect(seen.get(k), `${k} bound twice`).toBeUndefined();
          seen.set(k, a.id);
        }
    }
  });
  it('resolve keys, modifiers and the CVAT scheme', () => {
    expect(actionForKey(key('r'), 'default')?.id).toBe('tool.box');
    expect(actionForKey(key('z', { ctrlKey: true }), 'default')?.id).toBe('history.undo');
    expect(actionForKey(key('Z', { ctrlKey: true, shiftKey: true }), 'default')?.id).toBe('history.redo');
    expect(actionForKey(key('y', { ctrlKey: true }), 'default')?.id).toBe('history.redo');
    expect(actionForKey(key('ArrowLeft', { shiftKey: true }), 'default')?.id).toBe('nudge.left.10');
    expect(actionForKey(key('d'), 'default')?.id).toBe('nav.next');
    expect(actionForKey(key('f'), 'cvat')?.id).toBe('nav.next');
    expect(actionForKey(key('d'), 'cvat')?.id).toBe('nav.prev');
    expect(actionForKey(key('?', { shiftKey: true }), 'default')?.id).toBe('view.help');
    expect(actionForKey(key('3'), 'default')?.id).toBe('label.3');
  });
});

describe('prettyChord', () => {
  it('prints every binding, "+" included', async () => {
    const { prettyChord } = await import('./keys');
    for (const a of actions) for (const k of a.keys) expect(prettyChord(k).length).toBeGreaterThan(0);
    expect(prettyChord('+')).toBe('+');
    expect(prettyChord('mod+shift+z')).toBe('Ctrl+Shift+Z');
    expect(prettyChord('tab')).toBe('Tab');
  });
});
