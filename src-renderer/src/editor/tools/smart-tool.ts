/**
 * The Smart tool (S): Segment Anything in the editor. A click adds a positive point, an
 * Alt+click a negative one, a drag a box; each asks the project's sam pack for the mask
 * (smart-session.ts: sequenced, never blocking the canvas) and the canvas previews it
 * (SmartLayer.tsx). Enter commits the preview as one new mask annotation of the category for
 * new annotations (one undo step; its box follows the mask by the shared rule), Backspace
 * takes back the last point, Esc drops the prompt. The pack: the project's `samPack`
 * setting, else the first installed sam pack.
 */
import type { RpcClient } from '../../../../src-main/shared/rpc';
import type { KeyScheme } from '../actions/types';
import { clipBox, fromCorners, roundBox, type Bbox } from '../geometry';
import type { EditorStore } from '../store';
import { SmartSession, type SmartBackend } from './smart-session';
import type { EditorTool, Gesture, GesturePreview } from './tool';

/** A press that moves less than this (screen px) is a click, not a box. */
const DRAG_PX = 4;

export function rpcSmartBackend(client: RpcClient): SmartBackend {
  return {
    async resolvePack() {
      const { samPack } = await client.call('project.settings', {});
      if (samPack) return samPack;
      const { packs } = await client.call('models.list', {});
      return packs.find((p) => p.kind === 'sam' && p.installed)?.id ?? null;
    },
    prepare: (pack, imageId) => client.call('sam.prepare', { pack, imageId }),
    segment: (pack, imageId, prompt) => client.call('sam.segment', { pack, imageId, ...prompt }),
  };
}

const sessions = new WeakMap<object, SmartSession>();

/** The Smart tool's session of an editor (one per store). */
export function smartSessionOf(store: EditorStore): SmartSession {
  let s = sessions.get(store);
  if (!s)
    sessions.set(
      store,
      (s = new SmartSession(rpcSmartBackend(store.client), { error: (t) => store.error(t) })),
    );
  return s;
}

/** Enter: the preview of the last prompt becomes an annotation (after its answer arrives). */
export async function commitSmart(store: EditorStore): Promise<void> {
  const session = smartSessionOf(store);
  await session.settled();
  const p = session.current();
  if (!p) return;
  if (p.area === 0) return store.info('The mask is empty: nothing to add');
  if (store.createMask(p.rle, 'Smart mask') == null) return;
  session.cancel();
  if (!store.stickyTools) store.set({ tool: 'select' });
}

/**
 * The Smart tool's keys while a prompt is open: Enter commits (N too under CVAT keys, which
 * finishes an interactor there), Backspace takes back the last point, Esc drops the prompt.
 * Returns whether the key was the tool's (the editor's keys stay off).
 */
export function smartKey(key: string, store: EditorStore, scheme: KeyScheme = 'default'): boolean {
  const session = smartSessionOf(store);
  if (store.get().tool !== 'smart' || !session.get().items.length) return false;
  if (key === 'Enter' || (scheme === 'cvat' && key.toLowerCase() === 'n')) {
    void commitSmart(store);
    return true;
  }
  if (key === 'Backspace') session.undoLast();
  else if (key === 'Escape') session.cancel();
  else return false;
  return true;
}

export const smartTool: EditorTool = {
  id: 'smart',
  cursor: () => 'crosshair',
  marker: 'crosshair',
  press(host, { point, screen, alt }): Gesture | null {
    const image = host.get().image;
    if (!image) return null;
    const session = sessions.get(host);
    if (!session) return null;
    let box: Bbox | null = null;
    let preview: GesturePreview = { kind: 'draw', bbox: [point.x, point.y, 0, 0] };
    return {
      get preview() {
        return preview;
      },
      move({ point: p, screen: sp }) {
        if (!box && Math.hypot(sp.x - screen.x, sp.y - screen.y) < DRAG_PX) return preview;
        box = clipBox(fromCorners(point, p), image.width, image.height);
        return (preview = { kind: 'draw', bbox: box });
      },
      end() {
        const b = box && roundBox(box);
        if (b && b[2] >= 1 && b[3] >= 1) session.addBox(b);
        else if (!box) session.addPoint(point.x, point.y, alt ? 0 : 1);
      },
    };
  },
};
