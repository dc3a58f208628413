/**
 * The typed test API (`window.__labelwright`), installed only in test mode: when the host
 * says so in SessionInfo (`testMode`/`testApi`) or the URL carries `?testApi=1`.
 * End-to-end tests read editor state through it as well as pixels.
 */
import type { Method, Params, Result } from '../../../src-main/shared/api';
import type { Annotation } from '../../../src-main/shared/contract';
import type { RpcClient } from '../../../src-main/shared/rpc';
import type { EditorStore } from '../editor/store';
import type { Screen } from '../app-context';
import { smartSessionOf } from '../editor/tools/smart-tool';
import type { SmartState } from '../editor/tools/smart-session';

export interface EditorSnapshot {
  imageId: number | null;
  imageName: string | null;
  status: string | null;
  annotations: Pick<
    Annotation,
    'id' | 'categoryId' | 'bbox' | 'state' | 'source' | 'score' | 'predictionId' | 'rle' | 'area' | 'iscrowd'
  >[];
  selectedId: number | null;
  /** The whole selection, the primary (selectedId) last. */
  selectedIds: number[];
  tool: string;
  /** The annotation with the hover outline (only a selectable one gets it). */
  hoverId: number | null;
  zoom: number;
  pan: { x: number; y: number };
  history: { undo: number; redo: number };
  saving: number;
  /** The file check of the open image, and the reason editing is off (null: editable). */
  file: { state: string; message: string | null } | null;
  notEditable: string | null;
  /** The review prompt's pending count while it is open. */
  reviewPrompt: number | null;
  showRejected: boolean;
}

export interface LabelwrightTestApi {
  getScreen(): Screen;
  getEditorState(): EditorSnapshot;
  /** The Smart tool's prompt, preview mask and embedding state. */
  getSmartState(): SmartState;
  /** Image point → page (client) coordinates, for driving the canvas with the mouse. */
  toClient(x: number, y: number): { x: number; y: number };
  /** Resolves when no save or other RPC is in flight. */
  waitForIdle(): Promise<void>;
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  /** Sends any message over the transport (security tests). */
  raw(message: unknown): Promise<unknown>;
}

declare global {
  interface Window {
    __labelwright?: LabelwrightTestApi;
  }
}

export function testModeRequested(session: unknown): boolean {
  const s = session as { testMode?: boolean; testApi?: boolean } | null;
  return Boolean(s?.testMode || s?.testApi) || new URLSearchParams(location.search).get('testApi') === '1';
}

export function installTestApi(client: RpcClient, store: EditorStore, screen: () => Screen): void {
  window.__labelwright = {
    getScreen: screen,
    getEditorState() {
      const s = store.get();
      return {
        imageId: s.imageId,
        imageName: s.image?.name ?? null,
        status: s.status,
        annotations: s.annotations.map(
          ({ id, categoryId, bbox, state, source, score, predictionId, rle, area, iscrowd }) => ({
            id,
            categoryId,
            bbox,
            state,
            source,
            score,
            predictionId,
            rle,
            area,
            iscrowd,
          }),
        ),
        selectedId: s.selectedId,
        selectedIds: s.selectedIds,
        tool: s.tool,
        hoverId: s.hoverId,
        zoom: s.view.zoom,
        pan: s.view.pan,
        history: s.historyDepth,
        saving: s.savingCount,
        file: s.file,
        notEditable: store.notEditable(),
        reviewPrompt: s.reviewPrompt,
        showRejected: s.showRejected,
      };
    },
    getSmartState: () => smartSessionOf(store).get(),
    toClient(x, y) {
      const el = document.querySelector('[data-testid="editor-canvas"]');
      const r = el?.getBoundingClientRect() ?? { left: 0, top: 0 };
      const { zoom, pan } = store.get().view;
      return { x: r.left + pan.x + x * zoom, y: r.top + pan.y + y * zoom };
    },
    async waitForIdle() {
      await store.idle();
      await client.idle();
    },
    call: (m, p) => client.call(m, p),
    raw: (m) => client.raw(m as object),
  };
}
