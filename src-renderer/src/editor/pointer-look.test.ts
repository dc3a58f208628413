import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../../src-main/shared/contract';
import { canvasCursor, effectiveTool, overOf } from './pointer-look';
import { TOOLS } from './tools';
import { initialEditorState } from './view-state';

const ann = (id: number, categoryId = 1): Annotation =>
  ({ id, categoryId, bbox: [0, 0, 10, 10], state: 'accepted', source: 'human' }) as Annotation;

describe('under the pointer', () => {
  const s = {
    ...initialEditorState(),
    locked: new Set([2]),
    lockedCategories: new Set([7]),
    hidden: new Set([3]),
  };

  it('a locked annotation (by itself or its category) gets no hover outline and a not-allowed cursor in Select', () => {
    expect(overOf(s, ann(1))).toEqual({ kind: 'selectable', id: 1 });
    expect(overOf(s, ann(2))).toEqual({ kind: 'locked' });
    expect(overOf(s, ann(5, 7))).toEqual({ kind: 'locked' });
    expect(overOf(s, undefined)).toEqual({ kind: 'nothing' });
    expect(canvasCursor(TOOLS.select, overOf(s, ann(2)), false)).toBe('not-allowed');
    expect(canvasCursor(TOOLS.select, overOf(s, ann(1)), false)).toBe('move');
    expect(canvasCursor(TOOLS.select, overOf(s, undefined), false)).toBe('default');
    // Drawing over a locked annotation is allowed: the drawing tool's cursor stays.
    expect(canvasCursor(TOOLS.box, overOf(s, ann(2)), false)).toBe('crosshair');
    expect(canvasCursor(TOOLS.select, overOf(s, ann(2)), true)).toBe('grabbing');
  });

  it('Ctrl held in the box tool is Select, for the press and the cursor', () => {
    expect(effectiveTool('box', true)).toBe('select');
    expect(effectiveTool('box', false)).toBe('box');
    expect(effectiveTool('polygon', true)).toBe('polygon');
    expect(canvasCursor(TOOLS[effectiveTool('box', true)], overOf(s, ann(1)), false)).toBe('move');
    expect(canvasCursor(TOOLS[effectiveTool('box', true)], overOf(s, undefined), false)).toBe('default');
  });
});
