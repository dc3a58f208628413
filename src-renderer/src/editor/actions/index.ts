/**
 * The editor's actions, as data. The key handler (useEditorKeys), the help overlay and
 * the toolbar all read this list and run actions through performAction; nothing else
 * binds keys in the editor.
 */
import type { Action, ActionContext, KeyScheme } from './types';
import { chordOf, type KeyLike } from './keys';
import { selectionActions } from './selection-actions';
import { suggestionActions } from './suggestion-actions';
import { selectable } from '../view-state';

const digits: Action[] = Array.from({ length: 9 }, (_, i) => ({
  id: `label.${i + 1}`,
  label: `Label as category ${i + 1} (its hotkey, else the ${i + 1}th)`,
  keys: [String(i + 1)],
  group: 'Boxes' as const,
  capture: 'record' as const,
  perform: ({ store }: ActionContext) => {
    const c = store.categoryForDigit(i + 1);
    if (c) store.relabel(c.id);
    else store.info(`No category for ${i + 1}`);
  },
}));

const nudges: Action[] = (
  [
    ['left', -1, 0],
    ['right', 1, 0],
    ['up', 0, -1],
    ['down', 0, 1],
  ] as const
).flatMap(([dir, dx, dy]) => [
  {
    id: `nudge.${dir}`,
    label: `Nudge ${dir}`,
    keys: [`arrow${dir}`],
    group: 'Boxes' as const,
    capture: 'record' as const,
    perform: ({ store }: ActionContext) => store.nudge(dx, dy),
  },
  {
    id: `nudge.${dir}.10`,
    label: `Nudge ${dir} ×10`,
    keys: [`shift+arrow${dir}`],
    group: 'Boxes' as const,
    capture: 'record' as const,
    perform: ({ store }: ActionContext) => store.nudge(dx * 10, dy * 10),
  },
]);

export const actions: Action[] = [
  {
    id: 'tool.select',
    label: 'Select / move tool',
    keys: ['v', 'escape'],
    group: 'Tools',
    capture: 'none',
    perform: ({ store }) => store.set({ tool: 'select', labelPopup: false, help: false, contextMenu: null }),
  },
  {
    id: 'tool.box',
    label: 'Draw a box',
    keys: ['r'],
    group: 'Tools',
    capture: 'none',
    perform: ({ store }) => drawWith(store, 'box'),
  },
  {
    id: 'tool.polygon',
    label: 'Polygon: click vertices, click the first or Enter closes, Backspace undoes a vertex, Esc cancels; on a selected mask drag a vertex, click an edge to add one, Alt+click deletes one',
    keys: ['p'],
    group: 'Tools',
    capture: 'none',
    perform: ({ store }) => drawWith(store, 'polygon'),
  },
  {
    id: 'tool.smart',
    label: 'Smart (Segment Anything): click adds a point, Alt+click a negative one, drag a box; Enter adds the mask, Backspace undoes a point, Esc cancels',
    // CVAT binds no key to its interactors (they start from the AI Tools panel); there N
    // finishes the interaction and repeats the last tool, as it does here (smart-tool.ts, tool.drawAgain). S stays.
    keys: ['s'],
    group: 'Tools',
    capture: 'none',
    perform: ({ store }) => drawWith(store, 'smart'),
  },
  {
    id: 'tool.drawAgain',
    label: 'Draw a new shape with the last drawing tool (box, polygon or smart)',
    keys: ['n'],
    group: 'Tools',
    capture: 'none',
    perform: ({ store }) => drawWith(store, lastDrawTool),
  },
  {
    id: 'tool.brush',
    label: 'Mask brush (selected annotation; nothing selected: a new one)',
    keys: ['b'],
    group: 'Masks',
    capture: 'none',
    perform: ({ store }) => store.set({ tool: 'brush' }),
  },
  {
    id: 'tool.eraser',
    label: 'Mask eraser (selected annotation)',
    keys: ['e'],
    group: 'Masks',
    capture: 'none',
    perform: ({ store }) => store.set({ tool: 'eraser' }),
  },
  {
    id: 'brush.smaller',
    label: 'Brush smaller',
    keys: ['['],
    group: 'Masks',
    capture: 'none',
    perform: ({ store }) => store.set({ brushSize: Math.max(1, Math.round(store.get().brushSize / 1.25)) }),
  },
  {
    id: 'brush.larger',
    label: 'Brush larger',
    keys: [']'],
    group: 'Masks',
    capture: 'none',
    perform: ({ store }) =>
      store.set({ brushSize: Math.min(500, Math.round(store.get().brushSize * 1.25) + 1) }),
  },
  {
    id: 'masks.toggle',
    label: 'Show / hide masks',
    keys: ['m'],
    group: 'Masks',
    capture: 'none',
    perform: ({ store }) => store.set({ showMasks: !store.get().showMasks }),
  },
  {
    id: 'box.delete',
    label: 'Delete selected (model output: reject)',
    keys: ['delete'],
    group: 'Boxes',
    capture: 'record',
    perform: ({ store }) => store.deleteSelected(),
  },
  {
    id: 'box.labelPopup',
    label: 'Choose label…',
    keys: ['shift+l'],
    group: 'Boxes',
    capture: 'none',
    perform: ({ store }) => store.selected() && store.set({ labelPopup: true }),
  },
  {
    id: 'box.copy',
    label: 'Copy selected',
    keys: ['mod+c'],
    group: 'Boxes',
    capture: 'none',
    perform: ({ store }) => store.copy(),
  },
  {
    id: 'box.paste',
    label: 'Paste at the mouse (outside the canvas: 10 px off; on another image: the same place)',
    keys: ['mod+v'],
    group: 'Boxes',
    capture: 'record',
    perform: ({ store }) => store.paste(),
  },
  ...nudges,
  ...selectionActions,
  ...suggestionActions,
  ...digits,
  {
    id: 'pred.accept',
    label: 'Accept selected prediction',
    keys: ['enter'],
    group: 'Predictions',
    capture: 'record',
    perform: ({ store }) => store.acceptSelected(),
  },
  {
    id: 'pred.reject',
    label: 'Reject selected prediction',
    keys: ['backspace'],
    group: 'Predictions',
    capture: 'record',
    perform: ({ store }) => store.rejectSelected(),
  },
  {
    id: 'pred.acceptAbove',
    label: 'Accept all ≥ threshold',
    keys: ['shift+enter'],
    group: 'Predictions',
    capture: 'record',
    perform: ({ store }) => store.acceptAbove(),
  },
  {
    id: 'pred.rejectRest',
    label: 'Reject all pending',
    keys: ['shift+backspace'],
    group: 'Predictions',
    capture: 'record',
    perform: ({ store }) => store.rejectPending(),
  },
  {
    id: 'pred.nextPending',
    label: 'Select next annotation',
    keys: ['tab'],
    group: 'Predictions',
    capture: 'none',
    perform: ({ store }) => selectCycle(store, 1),
  },
  {
    id: 'pred.prevPending',
    label: 'Select previous annotation',
    keys: ['shift+tab'],
    group: 'Predictions',
    capture: 'none',
    perform: ({ store }) => selectCycle(store, -1),
  },
  {
    id: 'pred.showRejected',
    label: 'Show / hide rejected annotations (to restore them)',
    keys: ['shift+h'],
    group: 'Predictions',
    capture: 'none',
    perform: ({ store }) => store.set({ showRejected: !store.get().showRejected }),
  },
  {
    id: 'history.undo',
    label: 'Undo',
    keys: ['mod+z'],
    group: 'History',
    capture: 'none',
    perform: ({ store }) => store.undo(),
  },
  {
    id: 'history.redo',
    label: 'Redo',
    keys: ['mod+shift+z', 'mod+y'],
    group: 'History',
    capture: 'none',
    perform: ({ store }) => store.redo(),
  },
  {
    id: 'view.fit',
    label: 'Fit image',
    keys: ['f'],
    cvatKeys: ['shift+f'],
    group: 'View',
    capture: 'none',
    perform: ({ store }) => store.fit(),
  },
  {
    id: 'view.zoomIn',
    label: 'Zoom in',
    keys: ['mod+=', '+', '='],
    // CVAT puts "to front" on + and =: zoom keeps Ctrl (and the wheel).
    cvatKeys: ['mod+='],
    group: 'View',
    capture: 'none',
    perform: ({ store }) => zoomCenter(store, 1.25),
  },
  {
    id: 'view.zoomOut',
    label: 'Zoom out',
    keys: ['mod+-', '-'],
    cvatKeys: ['mod+-'],
    group: 'View',
    capture: 'none',
    perform: ({ store }) => zoomCenter(store, 0.8),
  },
  {
    id: 'view.help',
    label: 'Keyboard help',
    keys: ['?'],
    group: 'View',
    capture: 'none',
    perform: ({ store }) => store.set({ help: !store.get().help }),
  },
  {
    id: 'nav.next',
    label: 'Next image',
    keys: ['d'],
    cvatKeys: ['f'],
    group: 'Navigation',
    capture: 'none',
    perform: ({ store }) => void store.next(),
  },
  {
    id: 'nav.prev',
    label: 'Previous image',
    keys: ['a'],
    cvatKeys: ['d'],
    group: 'Navigation',
    capture: 'none',
    perform: ({ store }) => void store.prev(),
  },
  {
    id: 'nav.reviewed',
    label: 'Mark reviewed (pending predictions: asks), go to next unreviewed (tap Space)',
    keys: ['space'],
    group: 'Navigation',
    capture: 'none',
    perform: ({ store }) => void store.markReviewedAndNext(),
  },
  {
    id: 'nav.exit',
    label: 'Back to the image browser',
    keys: ['g'],
    group: 'Navigation',
    capture: 'none',
    perform: (ctx) => ctx.exit(),
  },
];

/** The drawing tool N picks again (CVAT's "repeat draw"). */
let lastDrawTool: 'box' | 'polygon' | 'smart' = 'box';

function drawWith(store: ActionContext['store'], tool: 'box' | 'polygon' | 'smart') {
  lastDrawTool = tool;
  store.set({ tool });
}

function selectCycle(store: ActionContext['store'], dir: 1 | -1) {
  // Hidden and locked ones are skipped: they cannot be selected.
  const list = store.get().annotations.filter((a) => selectable(store.get(), a));
  if (!list.length) return;
  const i = list.findIndex((a) => a.id === store.get().selectedId);
  const next = list[(i + dir + list.length) % list.length] ?? list[0];
  store.set({ selectedId: next.id });
}

function zoomCenter(store: ActionContext['store'], f: number) {
  const { view, viewport } = store.get();
  const k = Math.min(64, Math.max(0.02, view.zoom * f)) / view.zoom;
  const cx = viewport.width / 2,
    cy = viewport.height / 2;
  store.set({
    view: { zoom: view.zoom * k, pan: { x: cx - (cx - view.pan.x) * k, y: cy - (cy - view.pan.y) * k } },
  });
}

/** Runs an action as one step under its capture policy (see Action.capture). */
export function performAction(a: Action, ctx: ActionContext, e?: KeyboardEvent): void {
  ctx.store.capture(a.capture, a.label, () => a.perform(ctx, e));
}

export function actionById(id: string): Action {
  const a = actions.find((x) => x.id === id);
  if (!a) throw new Error(`No editor action ${id}`);
  return a;
}

export function keysOf(a: Action, scheme: KeyScheme): string[] {
  return scheme === 'cvat' && a.cvatKeys ? a.cvatKeys : a.keys;
}

/** The action bound to a key event under a scheme, if any. */
export function actionForKey(e: KeyLike, scheme: KeyScheme, list: Action[] = actions): Action | undefined {
  const chord = chordOf(e);
  return list.find((a) => keysOf(a, scheme).includes(chord));
}

export type { Action, ActionContext, KeyScheme } from './types';
