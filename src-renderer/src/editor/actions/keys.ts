/** Keyboard chords: 'mod+shift+z' etc. `mod` is Ctrl, or ⌘ on macOS. */
export interface KeyLike {
  key: string;
  /** The physical key ('KeyA', 'Digit1'); Alt chords match on it (altChordKey). */
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/**
 * The key of an Alt chord. On macOS Option turns the character into another one (Alt+1 is
 * '¡', Alt+T '†', Alt+E a dead key), and some layouts need Shift for digits (AZERTY's '&'),
 * so e.key cannot name an Alt chord there; the physical key can. A letter or digit the
 * layout does give is kept, so Alt+A stays on the key marked A on an AZERTY keyboard.
 */
function altChordKey(e: KeyLike, key: string): string {
  if (/^[a-z0-9]$/.test(key)) return key;
  // Not Numpad digits: with Num Lock off they are End, arrows… and e.key says so.
  const m = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(e.code ?? '');
  return m ? (m[1] ?? m[2]).toLowerCase() : key;
}

export function chordOf(e: KeyLike): string {
  let key = e.key.toLowerCase();
  if (e.altKey) key = altChordKey(e, key);
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
