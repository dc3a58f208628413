/**
 * The editor's only key handler: it looks the chord up in the action list. Space is
 * special: held, it turns a drag into a pan; tapped (no pan), it marks the image reviewed.
 * While the review prompt is open it takes the keys: Enter accepts the pending predictions,
 * Backspace rejects them, Esc cancels. A polygon being drawn and the Smart tool's prompt take
 * Enter, Backspace and Esc first (polygon-tool.ts, smart-tool.ts). The label popup and the
 * right-click menu take the keys while open (panels/ContextMenu.tsx). No shortcut fires while focus is in a field that
 * takes keys itself: text inputs, selects, text areas and sliders (arrows move a slider).
 */
import { useEffect } from 'react';
import { actionById, actionForKey, actions, performAction, type ActionContext } from './actions';
import { input } from './useEditor';
import { polygonKey } from './tools/polygon-tool';
import { smartKey } from './tools/smart-tool';

/** Whether the focused element takes keys itself (checkboxes and buttons do not). */
export function takesKeys(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.tagName === 'INPUT')
    return !['checkbox', 'radio', 'button', 'color', 'submit', 'reset'].includes(
      (el as HTMLInputElement).type,
    );
  return el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

/** The review prompt's keys: one keystroke decides the pending predictions. */
function promptKey(e: KeyboardEvent, ctx: ActionContext): void {
  e.preventDefault();
  if (e.repeat) return;
  if (e.key === 'Enter') void ctx.store.markReviewedAndNext('accept');
  else if (e.key === 'Backspace') void ctx.store.markReviewedAndNext('reject');
  else if (e.key === 'Escape') ctx.store.set({ reviewPrompt: null });
}

export function useEditorKeys(ctx: ActionContext, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const down = (e: KeyboardEvent) => {
      if (ctx.store.get().reviewPrompt != null) return promptKey(e, ctx);
      if (takesKeys(e.target)) return;
      // The label popup and the right-click menu handle their own keys: nothing acts behind them.
      if (ctx.store.get().labelPopup || ctx.store.get().contextMenu) return;
      if (e.key === ' ') {
        e.preventDefault();
        if (!e.repeat && !input.spaceHeld) {
          input.spaceHeld = true;
          input.spacePanned = false;
        }
        return;
      }
      // A polygon being drawn or a Smart prompt takes Enter, Backspace and Esc (and N under CVAT keys) first.
      if (!e.repeat && !e.ctrlKey && !e.metaKey && (polygonKey(e.key, ctx.store, ctx.scheme) || smartKey(e.key, ctx.store, ctx.scheme))) {
        e.preventDefault();
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
      if (
        !tapped ||
        takesKeys(e.target) ||
        ctx.store.get().labelPopup ||
        ctx.store.get().contextMenu ||
        ctx.store.get().reviewPrompt != null
      )
        return;
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
