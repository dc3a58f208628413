/**
 * The editor's only key handler: it looks the chord up in the action list. Space is
 * special: held, it turns a drag into a pan; tapped (no pan), it marks the image reviewed.
 */
import { useEffect } from 'react';
import { actionById, actionForKey, actions, performAction, type ActionContext } from './actions';
import { input } from './useEditor';

function typing(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.tagName === 'INPUT')
    return !['checkbox', 'radio', 'range', 'button', 'color'].includes((el as HTMLInputElement).type);
  return el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

export function useEditorKeys(ctx: ActionContext, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const down = (e: KeyboardEvent) => {
      if (typing(e.target)) return;
      if (ctx.store.get().labelPopup) return; // the popup handles its own keys
      if (e.key === ' ') {
        e.preventDefault();
        if (!e.repeat && !input.spaceHeld) {
          input.spaceHeld = true;
          input.spacePanned = false;
        }
        return;
      }
      const a = actionForKey(e, ctx.scheme, actions);
      if (!a) return;
      e.preventDefault();
      if (
        e.repeat &&
        !a.id.startsWith('nudge') &&
        !a.id.startsWith('history') &&
        !a.id.startsWith('view.zoom')
      )
        return;
      performAction(a, ctx, e);
    };
    const up = (e: KeyboardEvent) => {
      if (e.key !== ' ') return;
      const tapped = input.spaceHeld && !input.spacePanned;
      input.spaceHeld = false;
      input.spacePanned = false;
      if (!tapped || typing(e.target) || ctx.store.get().labelPopup) return;
      e.preventDefault();
      performAction(actionById('nav.reviewed'), ctx, e);
    };
    const blur = () => {
      input.spaceHeld = false;
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, [ctx, enabled]);
}
