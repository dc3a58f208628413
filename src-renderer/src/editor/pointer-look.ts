/**
 * What the canvas shows under the pointer when no gesture runs: which tool a press would
 * use, which annotation gets the hover outline, and the cursor. Pure, so the rules are
 * tested without a browser. The outline promises that a click selects: only what the canvas
 * may select gets it. A locked annotation says it cannot be taken (not-allowed) where a
 * press would try to take it, i.e. under the select tool.
 */
import type { Annotation } from '../../../src-main/shared/contract';
import type { EditorTool } from './tools/tool';
import { isLocked, selectable, type EditorState, type Tool } from './view-state';

/** The tool a press uses: holding Ctrl (⌘) in the box tool selects and moves, as Select does. */
export function effectiveTool(tool: Tool, ctrlHeld: boolean): Tool {
  return tool === 'box' && ctrlHeld ? 'select' : tool;
}

type Look = Pick<EditorState, 'hidden' | 'locked' | 'hiddenCategories' | 'lockedCategories'>;

/** The annotation under the pointer, as the hover outline and the cursor need it. */
export type Over = { kind: 'nothing' } | { kind: 'selectable'; id: number } | { kind: 'locked' };

export function overOf(s: Look, a: Annotation | undefined): Over {
  if (!a) return { kind: 'nothing' };
  if (selectable(s, a)) return { kind: 'selectable', id: a.id };
  return isLocked(s, a) ? { kind: 'locked' } : { kind: 'nothing' };
}

/** The CSS cursor over the canvas for the tool a press would use. */
export function canvasCursor(tool: EditorTool, over: Over, panning: boolean): string {
  if (panning) return 'grabbing';
  if (tool.id === 'select' && over.kind === 'locked') return 'not-allowed';
  return tool.cursor(over.kind === 'selectable');
}
