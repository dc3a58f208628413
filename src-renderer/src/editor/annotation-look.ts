/**
 * How an annotation's decision shows, the same on the canvas and in the list: a pending
 * prediction is dashed and carries its score; an accepted one is solid; one a person
 * corrected (model-edited, which accepted it) is solid and tagged "edited"; a rejected one,
 * shown on request, is faded and struck through.
 */
import type { Annotation } from '../../../src-main/shared/contract';

export type LookKind = 'pending' | 'accepted' | 'edited' | 'human' | 'rejected' | 'archived';

export interface Look {
  kind: LookKind;
  /** The word in the list's badge. */
  badge: string;
  /** Appended to the canvas label ('' for none). */
  tag: '' | 'edited' | 'rejected';
  stroke: number;
  /** Dash pattern in screen pixels; null for a solid line. */
  dash: number[] | null;
}

export function annotationLook(a: Pick<Annotation, 'state' | 'source'>): Look {
  if (a.state === 'rejected')
    return { kind: 'rejected', badge: 'rejected', tag: 'rejected', stroke: 1.5, dash: [3, 3] };
  if (a.state === 'archived')
    return { kind: 'archived', badge: 'archived', tag: '', stroke: 1, dash: [2, 4] };
  if (a.state === 'pending') return { kind: 'pending', badge: 'pending', tag: '', stroke: 1.5, dash: [6, 4] };
  if (a.source === 'model-edited')
    return { kind: 'edited', badge: 'edited', tag: 'edited', stroke: 2.5, dash: null };
  if (a.source === 'model') return { kind: 'accepted', badge: 'accepted', tag: '', stroke: 2, dash: null };
  return { kind: 'human', badge: 'human', tag: '', stroke: 2, dash: null };
}

/** Never cut a name shorter than this: a short box still says what it is. */
const MIN_NAME_CHARS = 6;

/**
 * The canvas label: the name, then the score and tag (`suffix`), in at most `maxChars`
 * characters (the box's width): a long name ends in "…" so its label does not run over the
 * neighbours; the score and tag always stay.
 */
export function fitLabel(name: string, suffix: string, maxChars: number): string {
  const room = Math.max(MIN_NAME_CHARS, Math.floor(maxChars) - suffix.length);
  return (name.length > room ? `${name.slice(0, room - 1).trimEnd()}…` : name) + suffix;
}

const DARK_TEXT = '#111111';
const LIGHT_TEXT = '#ffffff';

/** WCAG relative luminance of '#rrggbb'. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The text colour for a label filled with a category's colour: dark or white, whichever
 * contrasts more (WCAG ratio), so a "black" or "navy" category's label is readable too.
 * Anything but '#rrggbb' (a colour someone typed otherwise) keeps the dark text.
 */
export function labelTextColor(fill: string): string {
  if (!/^#[0-9a-f]{6}$/i.test(fill)) return DARK_TEXT;
  const l = luminance(fill);
  const onDark = (l + 0.05) / (luminance(DARK_TEXT) + 0.05);
  const onLight = (luminance(LIGHT_TEXT) + 0.05) / (l + 0.05);
  return onLight > onDark ? LIGHT_TEXT : DARK_TEXT;
}

/**
 * A box outline in a very light or very dark colour ("white", "black", navy, pale yellow)
 * vanishes on the sky or in a shadow: such outlines get a thin halo of the opposite tone
 * underneath. Mid-tone colours read on both and get none (one shape less per box).
 */
export function outlineHalo(stroke: string): string | null {
  if (!/^#[0-9a-f]{6}$/i.test(stroke)) return null;
  const l = luminance(stroke);
  if (l > 0.6) return 'rgba(0,0,0,0.7)';
  if (l < 0.05) return 'rgba(255,255,255,0.7)';
  return null;
}
