/**
 * The Smart tool's prompt on the open image (view state, like the polygon draft: no
 * annotation until Enter): the clicks and box a person gave, the preview mask SAM answered
 * with, and the image embedding's progress. Every change of the prompt asks `sam.segment`
 * again without blocking anything: one request is in flight at a time, a prompt changed
 * meanwhile is sent when it returns (only the newest), and an answer for a prompt that is no
 * longer the current one is dropped (its maskId still serves as `previous` for refinement).
 * Held in a tiny external store the canvas and the test API read.
 */
import { useSyncExternalStore } from 'react';
import type { SamPrompt, SamSegmentResult } from '../../../../src-main/shared/api';
import { errorMessage } from '../../../../src-main/shared/rpc';
import type { Bbox } from '../geometry';

export type SmartItem = { kind: 'point'; x: number; y: number; label: 0 | 1 } | { kind: 'box'; bbox: Bbox };

export interface SmartPreview {
  rle: SamSegmentResult['rle'];
  area: number;
  score: number;
  maskId: string;
  /** The prompt it answers (promptKey). */
  key: string;
}

export interface SmartState {
  imageId: number | null;
  /** The sam pack in use (null: none resolved yet, or none installed). */
  pack: string | null;
  /** The image embedding: computing (the indicator shows), ready, or failed (a click tries again). */
  embedding: 'none' | 'computing' | 'ready' | 'failed';
  /** How long `sam.prepare` took (null before it answered). */
  embeddingMs: number | null;
  items: SmartItem[];
  preview: SmartPreview | null;
  /** A `sam.segment` request is in flight. */
  busy: boolean;
}

/** What the session needs of the server (the editor passes RPC calls; unit tests a fake). */
export interface SmartBackend {
  /** The pack to use, or null when no sam pack is installed. */
  resolvePack(): Promise<string | null>;
  prepare(pack: string, imageId: number): Promise<{ ms: number }>;
  segment(pack: string, imageId: number, prompt: SamPrompt): Promise<SamSegmentResult>;
}

export const NO_SAM_PACK =
  'The Smart tool needs a SAM pack: install or import one under Models (for example sam-fixture), or choose one there for this project.';

/** A prompt as a string: equal prompts, equal keys (the answer to a prompt is matched by it). */
export function promptKey(items: readonly SmartItem[]): string {
  return items
    .map((i) => (i.kind === 'box' ? `b${i.bbox.join(',')}` : `${i.label ? '+' : '-'}${i.x},${i.y}`))
    .join(';');
}

/** The wire prompt for the items: the points in order, the box (at most one). */
export function toSamPrompt(items: readonly SmartItem[], previous?: string): SamPrompt {
  const box = items.find((i): i is Extract<SmartItem, { kind: 'box' }> => i.kind === 'box');
  return {
    points: items.flatMap((i) => (i.kind === 'point' ? [{ x: i.x, y: i.y, label: i.label }] : [])),
    ...(box ? { box: box.bbox } : {}),
    ...(previous ? { previous } : {}),
  };
}

/**
 * The maskId to refine from: the answer to the longest earlier prompt this one extends (one
 * click more, or the same clicks after Backspace took one back); none for a first prompt.
 */
export function refinementBase(
  answered: ReadonlyMap<string, string>,
  items: readonly SmartItem[],
): { key: string; maskId: string } | undefined {
  for (let k = items.length - 1; k >= 1; k--) {
    const key = promptKey(items.slice(0, k));
    const maskId = answered.get(key);
    if (maskId) return { key, maskId };
  }
  return undefined;
}

/** Answers kept for refinement (the server holds the low-res masks of its last 32). */
const ANSWERS_KEPT = 24;

const initial = (): SmartState => ({
  imageId: null,
  pack: null,
  embedding: 'none',
  embeddingMs: null,
  items: [],
  preview: null,
  busy: false,
});

export class SmartSession {
  private state: SmartState = initial();
  private readonly listeners = new Set<() => void>();
  private answered = new Map<string, string>();
  /** Bumped when the image or the tool changes: answers of an earlier activation are dropped. */
  private epoch = 0;
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly backend: SmartBackend,
    private readonly report: { error(text: string): void },
  ) {}

  get = (): SmartState => this.state;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  private set(patch: Partial<SmartState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /**
   * The tool was chosen on an image (or the image changed under it): find the pack and embed
   * the image, showing progress. Returns false when there is no sam pack (the message says
   * where to get one).
   */
  async activate(imageId: number): Promise<boolean> {
    if (this.state.imageId === imageId && this.state.pack && this.state.embedding !== 'failed') return true;
    const epoch = ++this.epoch;
    this.answered.clear();
    this.set({ ...initial(), imageId });
    let pack: string | null;
    try {
      pack = await this.backend.resolvePack();
    } catch (e) {
      if (epoch === this.epoch) this.report.error(`Smart tool: ${errorMessage(e)}`);
      return false;
    }
    if (epoch !== this.epoch) return true;
    if (!pack) {
      this.report.error(NO_SAM_PACK);
      return false;
    }
    this.set({ pack, embedding: 'computing' });
    try {
      const r = await this.backend.prepare(pack, imageId);
      if (epoch === this.epoch) this.set({ embedding: 'ready', embeddingMs: r.ms });
    } catch (e) {
      if (epoch !== this.epoch) return true;
      this.set({ embedding: 'failed' });
      this.report.error(`Computing the image embedding failed: ${errorMessage(e)}`);
    }
    return true;
  }

  /** The tool was left or the image closed: the prompt goes, answers in flight are dropped. */
  deactivate(): void {
    this.epoch++;
    this.answered.clear();
    this.set(initial());
  }

  addPoint(x: number, y: number, label: 0 | 1): void {
    this.change([...this.state.items, { kind: 'point', x, y, label }]);
  }

  /** A box prompt; a new box replaces the one there was (SAM takes one box). */
  addBox(bbox: Bbox): void {
    this.change([...this.state.items.filter((i) => i.kind !== 'box'), { kind: 'box', bbox }]);
  }

  /** Backspace: the last point or box goes and the rest is asked again (nothing left: no preview). */
  undoLast(): void {
    this.change(this.state.items.slice(0, -1));
  }

  /** Esc: the prompt and its preview go; the tool stays. */
  cancel(): void {
    this.change([]);
  }

  /** The preview of the current prompt, when it has answered (what Enter commits). */
  current(): SmartPreview | null {
    const { preview, items } = this.state;
    return preview && items.length && preview.key === promptKey(items) ? preview : null;
  }

  /** Resolves once no request is in flight (Enter waits for the answer to the last click). */
  async settled(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  private change(items: SmartItem[]): void {
    if (this.state.imageId == null || !this.state.pack) return;
    this.set({ items, ...(items.length ? {} : { preview: null }) });
    this.kick();
  }

  /** Starts a request loop unless one runs; when one ends (another image meanwhile) and the prompt still wants an answer, another. */
  private kick(): void {
    const { items, preview, pack } = this.state;
    if (this.inflight || !items.length || !pack || preview?.key === promptKey(items)) return;
    this.inflight = this.run().finally(() => {
      this.inflight = null;
      this.kick();
    });
  }

  /** Sends the current prompt; when it changed meanwhile, sends the newest, until the answer is current. */
  private async run(): Promise<void> {
    const epoch = this.epoch;
    const { pack, imageId } = this.state;
    this.set({ busy: true });
    try {
      for (;;) {
        const items = this.state.items;
        if (epoch !== this.epoch || !items.length || !pack || imageId == null) return;
        const key = promptKey(items);
        const result = await this.ask(pack, imageId, items);
        if (epoch !== this.epoch) return;
        if (result === 'failed') {
          // The prompt that failed goes (so the prompt still matches the preview shown), unless it changed meanwhile.
          if (promptKey(this.state.items) === key) {
            this.set({ items: items.slice(0, -1), ...(items.length > 1 ? {} : { preview: null }) });
            return;
          }
          continue;
        }
        this.remember(key, result.maskId);
        if (promptKey(this.state.items) === key) {
          this.set({
            preview: { rle: result.rle, area: result.area, score: result.score, maskId: result.maskId, key },
          });
          return;
        }
      }
    } finally {
      if (epoch === this.epoch) this.set({ busy: false });
    }
  }

  /** One `sam.segment`; a `previous` the server no longer holds is dropped and the prompt asked again. */
  private async ask(pack: string, imageId: number, items: SmartItem[]): Promise<SamSegmentResult | 'failed'> {
    const base = refinementBase(this.answered, items);
    try {
      return await this.backend.segment(pack, imageId, toSamPrompt(items, base?.maskId));
    } catch (e) {
      if (base) {
        // Most likely evicted on the server (it keeps its last 32): ask without it.
        this.answered.delete(base.key);
        return this.ask(pack, imageId, items);
      }
      this.report.error(errorMessage(e));
      return 'failed';
    }
  }

  private remember(key: string, maskId: string): void {
    this.answered.delete(key);
    this.answered.set(key, maskId);
    if (this.answered.size > ANSWERS_KEPT) this.answered.delete(this.answered.keys().next().value!);
  }
}

export function useSmartState(session: SmartSession): SmartState {
  return useSyncExternalStore(session.subscribe, session.get);
}
