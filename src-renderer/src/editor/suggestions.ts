/**
 * Category suggestions for the box a person is working on: a Pix2seq pack reads the box as
 * the first four tokens of an object and ranks the classes for the fifth (`models.suggest`,
 * run in the main process's inference worker). Asked for one selected box that is pending
 * (no decision yet) or drawn by a person, until a suggestion is taken for it.
 *
 * Never blocks the canvas: the request is asynchronous, and an answer for a box that changed
 * meanwhile (moved, resized, another selected, another image) is dropped. Active only when the
 * project's settings choose an installed pix2seq pack and leave suggestions on.
 */
import type { Result } from '../../../src-main/shared/api';
import type { Annotation } from '../../../src-main/shared/contract';
import { errorMessage, type RpcClient } from '../../../src-main/shared/rpc';
import type { EditorStore } from './store';
import { selectable } from './view-state';

export type Suggestion = Result<'models.suggest'>[number];

export interface SuggestionView {
  /** 'off': no pack chosen, or suggestions turned off; 'none': nothing to suggest for. */
  status: 'off' | 'none' | 'loading' | 'ready' | 'error';
  /** The best three, most probable first. */
  items: Suggestion[];
  error: string | null;
}

/** How many categories the bar shows (and Alt+1…3 pick). */
export const SHOWN = 3;
/** A box being nudged or dragged changes many times: ask once it rests this long. */
const SETTLE_MS = 150;

const OFF: SuggestionView = { status: 'off', items: [], error: null };
const NONE: SuggestionView = { status: 'none', items: [], error: null };

/** The suggestion model of one editor store (one per mounted bar; see suggestionsFor). */
export class Suggestions {
  private pack: string | null = null;
  private view: SuggestionView = OFF;
  /** The box the current request or answer is for: image, annotation and geometry. */
  private key: string | null = null;
  private annotationId: number | null = null;
  /** Boxes (image and geometry) a suggestion was taken for: no bar for them until they change. */
  private readonly decided = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly client: RpcClient,
    private readonly store: EditorStore,
  ) {}

  get = (): SuggestionView => this.view;
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** Reads the project's settings and whether their pack is installed; suggestions start or stop. */
  async configure(): Promise<void> {
    try {
      const [settings, models] = await Promise.all([this.client.call('project.settings', {}), this.client.call('models.list', {})]);
      const pack = models.packs.find((p) => p.id === settings.suggestPack && p.kind === 'pix2seq' && p.installed);
      this.pack = settings.suggestions && pack ? pack.id : null;
    } catch {
      this.pack = null; // no project or no settings: no suggestions, the editor works as before
    }
    this.key = null;
    this.update();
  }

  /** Called on every editor change: asks for the current box when it is a new one. */
  update = (): void => {
    if (!this.pack) return this.show(OFF, null, null);
    const target = this.target();
    if (!target) return this.show(NONE, null, null);
    const key = boxKey(target.imageId, target.bbox);
    this.annotationId = target.id;
    if (key === this.key) return;
    this.show({ status: 'loading', items: [], error: null }, key, target.id);
    if (this.timer) clearTimeout(this.timer);
    const pack = this.pack;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.key !== key) return;
      this.client.call('models.suggest', { pack, imageId: target.imageId, box: target.bbox }).then(
        (items) => {
          if (this.key === key) this.show({ status: 'ready', items: items.slice(0, SHOWN), error: null }, key, this.annotationId);
        },
        (e) => {
          if (this.key === key) this.show({ status: 'error', items: [], error: errorMessage(e) }, key, this.annotationId);
        },
      );
    }, SETTLE_MS);
  };

  /**
   * Gives the box the category ranked `rank` (0: the top one), as a relabel (one undo step
   * when run from an action). Says so when there is nothing to take.
   */
  pick(rank: number): void {
    const s = this.view.items[rank];
    const a = this.store.selected();
    if (this.view.status !== 'ready' || !s || !a || a.id !== this.annotationId || this.key !== boxKey(a.imageId, a.bbox))
      return this.store.info(this.pack ? 'No suggestion for this box (yet)' : 'Suggestions are off (Models: suggestions in the editor)');
    this.decided.add(this.key);
    this.show(NONE, null, null);
    this.store.relabel(s.categoryId);
    this.store.info(`${s.name} (${Math.round(s.probability * 100)}%)`);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
  }

  /** The one selected box that wants a category decision, if any. */
  private target(): Annotation | undefined {
    const st = this.store.get();
    if (st.selectedIds.length > 1 || st.imageId == null) return undefined;
    const a = this.store.selected();
    if (!a || !selectable(st, a)) return undefined;
    if (a.state !== 'pending' && a.source !== 'human') return undefined;
    if (a.bbox[2] <= 0 || a.bbox[3] <= 0 || this.decided.has(boxKey(st.imageId, a.bbox))) return undefined;
    return { ...a, imageId: st.imageId };
  }

  private show(v: SuggestionView, key: string | null, annotationId: number | null): void {
    this.key = key;
    this.annotationId = annotationId;
    if (v === this.view || (v.status === this.view.status && v.status !== 'ready' && v.status !== 'error')) return;
    this.view = v;
    for (const l of this.listeners) l();
  }
}

function boxKey(imageId: number, bbox: readonly number[]): string {
  return `${imageId}:${bbox.join(',')}`;
}

/** The live suggestion model of each editor store, for the actions (Y, Alt+1…3) to reach. */
const live = new WeakMap<EditorStore, Suggestions>();

export function attachSuggestions(store: EditorStore, s: Suggestions): () => void {
  live.set(store, s);
  return () => {
    if (live.get(store) === s) live.delete(store);
  };
}

export function suggestionsFor(store: EditorStore): Suggestions | undefined {
  return live.get(store);
}
