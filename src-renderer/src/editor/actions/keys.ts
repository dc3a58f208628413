/** Keyboard chords: 'mod+shift+z' etc. `mod` is Ctrl, or ⌘ on macOS. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

export function chordOf(e: KeyLike): string {
  let key = e.key.toLowerCase();
  if (key === ' ') key = 'space';
  if (key === 'del') key = 'delete';
  const parts: string[] = [];
  if (isMac ? e.metaKey : e.ctrlKey) parts.push('mod');
  if (e.altKey) parts.push('alt');
  // Shift is part of the chord for named keys and letters, not for symbols it produces ('?', '{').
  if (e.shiftKey && (key.length > 1 || /[a-z0-9]/.test(key))) parts.push('shift');
  parts.push(key);
  return parts.join('+');
}

/** A chord as people read it: 'mod+shift+z' → 'Ctrl+Shift+Z' (⌘ on macOS), 'arrowleft' → '←'. */
export function prettyChord(chord: string): string {
  const parts = chord.endsWith('+')
    ? [...chord.slice(0, -1).split('+').filter(Boolean), '+']
    : chord.split('+');
  return parts
    .map(
      (p) =>
        ({
          mod: isMac ? '⌘' : 'Ctrl',
          shift: 'Shift',
          alt: 'Alt',
          arrowleft: '←',
          arrowright: '→',
          arrowup: '↑',
          arrowdown: '↓',
          space: 'Space',
          delete: 'Del',
          backspace: 'Backspace',
          enter: 'Enter',
          escape: 'Esc',
        })[p] ?? (p.length === 1 ? p.toUpperCase() : p[0].toUpperCase() + p.slice(1)),
    )
    .join('+');
}
