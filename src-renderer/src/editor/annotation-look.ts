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
