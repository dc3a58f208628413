/**
 * Actions on the selection as a whole: select all, hide, lock, iscrowd, draw order. The
 * edits of the selection (move, delete, relabel, accept, reject) keep their own actions;
 * the store applies them to every selected annotation in one step.
 */
import type { Action } from './types';
import { drawOrder, toggleFlag } from './view-actions';

export const selectionActions: Action[] = [
  {
    id: 'select.all',
    label: 'Select all (not hidden or locked); Shift+click adds or removes one; drag on empty canvas selects what it covers',
    keys: ['mod+a'],
    group: 'Selection',
    capture: 'none',
    perform: ({ store }) => store.selectAll(),
  },
  {
    id: 'ann.hide',
    label: 'Hide selected (nothing selected: show all hidden); view only, not saved',
    keys: ['h'],
    group: 'Selection',
    capture: 'none',
    perform: ({ store }) => toggleFlag(store, 'hidden'),
  },
  {
    id: 'ann.lock',
    label: 'Lock selected (no selecting or moving on the canvas; unlock in the list); view only',
    keys: ['l'],
    group: 'Selection',
    capture: 'none',
    perform: ({ store }) => toggleFlag(store, 'locked'),
  },
  {
    id: 'ann.crowd',
    label: 'Toggle iscrowd (COCO crowd region, exported as RLE)',
    keys: ['i'],
    group: 'Selection',
    capture: 'record',
    perform: ({ store }) => store.toggleCrowd(),
  },
  {
    id: 'ann.front',
    label: 'Draw selected in front',
    keys: ['mod+]'],
    cvatKeys: ['mod+]', '+', '='],
    group: 'Selection',
    capture: 'none',
    perform: ({ store }) => drawOrder(store, 'front'),
  },
  {
    id: 'ann.back',
    label: 'Draw selected at the back',
    keys: ['mod+['],
    cvatKeys: ['mod+[', '-', '_'],
    group: 'Selection',
    capture: 'none',
    perform: ({ store }) => drawOrder(store, 'back'),
  },
];
