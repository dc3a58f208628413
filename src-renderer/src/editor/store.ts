/**
 * The editor core: it owns the annotations of the open image, the selection, the view and
 * the undo history, and saves every step at once (`annotations.apply`, one call per step,
 * serialised). The canvas only emits intents (see tools.ts); actions call the methods here.
 */
import type { ImageDetail, Result } from '../../../src-main/shared/api';
import type { Annotation, Category, ReviewStatus } from '../../../src-main/shared/contract';
import { ConnectionLostError, errorMessage, type RpcClient } from '../rpc/client';
import { applyChanges, invertChanges, localId, recreate, toWire, type LocalChange } from './changes';
import { fitView, type Bbox, type View } from './geometry';
import { History } from './history';

export type Tool = 'select' | 'box' | 'brush' | 'eraser';

export interface EditorState {
  imageId: number | null;
  image: ImageDetail['image'] | null;
  prevId: number | null;
  nextId: number | null;
  status: ReviewStatus | null;
  /** Every annotation of the image, rejected and archived included (undo needs them). */
  annotations: Annotation[];
  selectedId: number | null;
  hoverId: number | null;
  tool: Tool;
  /** Category new boxes get. */
  drawCategoryId: number | null;
  brushSize: number;
  showMasks: boolean;
  maskOpacity: number;
  acceptThreshold: number;
  view: View;
  viewport: { width: number; height: number };
  labelPopup: boolean;
  help: boolean;
  loading: boolean;
  savingCount: number;
  historyDepth: { undo: number; redo: number };
  message: { text: string; kind: 'info' | 'error' } | null;
}

export const VISIBLE_STATES = new Set(['pending', 'accepted']);

export function visibleAnnotations(s: EditorState): Annotation[] {
  return s.annotations.filter((a) => VISIBLE_STATES.has(a.state));
}

let clipboard: Annotation[] = [];

export class EditorStore {
  private state: EditorState = {
    imageId: null,
    image: null,
    prevId: null,
    nextId: null,
    status: null,
    annotations: [],
    selectedId: null,
    hoverId: null,
    tool: 'select',
    drawCategoryId: null,
    brushSize: 12,
    showMasks: true,
    maskOpacity: 0.45,
    acceptThreshold: 0.5,
    view: { zoom: 1, pan: { x: 0, y: 0 } },
    viewport: { width: 800, height: 600 },
    labelPopup: false,
    help: false,
    loading: false,
    savingCount: 0,
    historyDepth: { undo: 0, redo: 0 },
    message: null,
  };
  private listeners = new Set<() => void>();
  private histories = new Map<number, History>();
  private idMap = new Map<number, number>();
  private queue: Promise<void> = Promise.resolve();
  private loadSeq = 0;
  categories: Category[] = [];
  /** Called after the image changes (navigation), e.g. to sync the URL. */
  onImageChange?: (id: number | null) => void;
  /** Called after the server accepted a change (counts in lists may be stale). */
  onSaved?: (imageId: number) => void;

  constructor(readonly client: RpcClient) {}

  // ---------- external store ----------
  get = (): EditorState => this.state;
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  set(patch: Partial<EditorState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  setCategories(cats: Category[]): void {
    this.categories = cats;
    if (this.state.drawCategoryId == null || !cats.some((c) => c.id === this.state.drawCategoryId)) {
      this.set({ drawCategoryId: cats[0]?.id ?? null });
    } else this.set({});
  }

  category(id: number): Category | undefined {
    return this.categories.find((c) => c.id === id);
  }

  /** Category for digit key `d` (1–9): the category with that hotkey, else the nth one. */
  categoryForDigit(d: number): Category | undefined {
    return this.categories.find((c) => c.hotkey === String(d)) ?? this.categories[d - 1];
  }

  selected(): Annotation | undefined {
    const { selectedId, annotations } = this.state;
    return selectedId == null
      ? undefined
      : annotations.find((a) => a.id === selectedId && VISIBLE_STATES.has(a.state));
  }

  info(text: string): void {
    this.set({ message: { text, kind: 'info' } });
  }
  error(text: string): void {
    this.set({ message: { text, kind: 'error' } });
  }

  // ---------- loading ----------
  /** The load in flight: navigation waits for it, so D D moves two images, not one twice. */
  private loading: Promise<void> = Promise.resolve();

  load(imageId: number): Promise<void> {
    const p = this.loading.then(() => this.loadNow(imageId));
    this.loading = p.catch(() => undefined);
    return p;
  }

  private async loadNow(imageId: number): Promise<void> {
    const seq = ++this.loadSeq;
    this.set({ loading: true });
    try {
      const d = await this.client.call('images.get', { id: imageId });
      if (seq !== this.loadSeq) return;
      const sameImage = this.state.imageId === imageId;
      this.set({
        imageId,
        image: d.image,
        prevId: d.prevId,
        nextId: d.nextId,
        status: d.image.status,
        annotations: d.annotations,
        selectedId: sameImage ? this.state.selectedId : null,
        hoverId: null,
        loading: false,
        labelPopup: false,
        historyDepth: this.history(imageId).depth,
        view: sameImage
          ? this.state.view
          : fitView(d.image.width, d.image.height, this.state.viewport.width, this.state.viewport.height),
      });
      if (!sameImage) this.onImageChange?.(imageId);
    } catch (e) {
      if (seq === this.loadSeq)
        this.set({ loading: false, message: { text: errorMessage(e), kind: 'error' } });
    }
  }

  /**
   * Re-reads the open image after something else changed it (a pre-labeling job). The
   * difference is recorded as ONE undoable step ("Model predictions"), so undo removes
   * what the model just added. Skipped while our own saves are in flight.
   */
  async refresh(label = 'Model predictions'): Promise<void> {
    const id = this.state.imageId;
    if (id == null || this.state.savingCount > 0) return;
    const seq = this.loadSeq;
    const d = await this.client.call('images.get', { id }).catch(() => null);
    if (!d || seq !== this.loadSeq || this.state.imageId !== id || this.state.savingCount > 0) return;
    const before = this.state.annotations;
    const after = d.annotations;
    const byId = new Map(before.map((a) => [a.id, a]));
    const forward: LocalChange[] = [];
    for (const a of after) {
      const old = byId.get(a.id);
      if (!old) forward.push(recreate(a));
      else if (JSON.stringify(old) !== JSON.stringify(a))
        forward.push({
          op: 'update',
          id: a.id,
          patch: { categoryId: a.categoryId, bbox: a.bbox, rle: a.rle, state: a.state, source: a.source },
        });
      byId.delete(a.id);
    }
    for (const gone of byId.keys()) forward.push({ op: 'delete', id: gone });
    this.set({ annotations: after, status: d.image.status, prevId: d.prevId, nextId: d.nextId });
    if (!forward.length) return;
    const h = this.history(id);
    h.record({ label, forward, inverse: invertChanges(before, id, forward) });
    this.set({ historyDepth: h.depth });
    this.info(`${label}: ${forward.length} change(s) — Ctrl+Z undoes them`);
  }

  close(): void {
    this.loadSeq++;
    const had = this.state.imageId != null;
    this.set({ imageId: null, image: null, annotations: [], selectedId: null });
    if (had) this.onImageChange?.(null);
  }

  fit(): void {
    const { image, viewport } = this.state;
    if (image) this.set({ view: fitView(image.width, image.height, viewport.width, viewport.height) });
  }

  setViewport(width: number, height: number): void {
    const first = this.state.viewport.width === 800 && this.state.viewport.height === 600;
    this.set({ viewport: { width, height } });
    if (first) this.fit();
  }

  private history(imageId: number): History {
    let h = this.histories.get(imageId);
    if (!h) this.histories.set(imageId, (h = new History()));
    return h;
  }

  // ---------- edits: each call is one undo step ----------
  /** Records one user step and saves it. */
  commit(label: string, changes: LocalChange[]): void {
    const { imageId, annotations } = this.state;
    if (imageId == null || changes.length === 0) return;
    const inverse = invertChanges(annotations, imageId, changes);
    const h = this.history(imageId);
    h.record({ label, forward: changes, inverse });
    this.set({ annotations: applyChanges(annotations, imageId, changes), historyDepth: h.depth });
    this.save(imageId, changes);
  }

  undo(): void {
    const id = this.state.imageId;
    if (id == null) return;
    const h = this.history(id);
    const e = h.undo();
    if (!e) return this.info('Nothing to undo');
    this.set({ annotations: applyChanges(this.state.annotations, id, e.inverse), historyDepth: h.depth });
    this.save(id, e.inverse);
    this.info(`Undo: ${e.label}`);
  }

  redo(): void {
    const id = this.state.imageId;
    if (id == null) return;
    const h = this.history(id);
    const e = h.redo();
    if (!e) return this.info('Nothing to redo');
    this.set({ annotations: applyChanges(this.state.annotations, id, e.forward), historyDepth: h.depth });
    this.save(id, e.forward);
    this.info(`Redo: ${e.label}`);
  }

  // ---------- intents ----------
  createBox(bbox: Bbox, categoryId = this.state.drawCategoryId): void {
    if (categoryId == null) return this.error('Add a category first (Categories panel)');
    const id = localId();
    this.commit('Draw box', [{ op: 'create', id, categoryId, bbox, source: 'human', state: 'accepted' }]);
    this.set({ selectedId: id, tool: 'select' });
  }

  setBox(id: number, bbox: Bbox, label = 'Move box'): void {
    this.commit(label, [{ op: 'update', id, patch: { bbox } }]);
  }

  setMask(id: number, rle: Annotation['rle'], bbox: Bbox | null, label: string): void {
    this.commit(label, [{ op: 'update', id, patch: bbox ? { rle, bbox } : { rle } }]);
  }

  relabel(categoryId: number): void {
    const a = this.selected();
    if (!a) {
      this.set({ drawCategoryId: categoryId });
      return this.info(`New boxes: ${this.category(categoryId)?.name ?? categoryId}`);
    }
    this.set({ drawCategoryId: categoryId });
    if (a.categoryId !== categoryId)
      this.commit('Relabel', [{ op: 'update', id: a.id, patch: { categoryId } }]);
  }

  deleteSelected(): void {
    const a = this.selected();
    if (!a) return;
    // Model output is rejected rather than deleted, so the correction report can count it.
    if (a.source === 'human') this.commit('Delete', [{ op: 'delete', id: a.id }]);
    else this.commit('Reject', [{ op: 'update', id: a.id, patch: { state: 'rejected' } }]);
    this.set({ selectedId: null });
  }

  acceptSelected(): void {
    const a = this.selected();
    if (!a || a.state !== 'pending') return this.info('Select a pending prediction to accept');
    this.commit('Accept prediction', [{ op: 'update', id: a.id, patch: { state: 'accepted' } }]);
    this.selectNextPending(a.id);
  }

  rejectSelected(): void {
    const a = this.selected();
    if (!a || a.state !== 'pending') return this.info('Select a pending prediction to reject');
    this.commit('Reject prediction', [{ op: 'update', id: a.id, patch: { state: 'rejected' } }]);
    this.set({ selectedId: null });
    this.selectNextPending(a.id);
  }

  private selectNextPending(after: number): void {
    const next = this.state.annotations.find((a) => a.state === 'pending' && a.id !== after);
    if (next) this.set({ selectedId: next.id });
  }

  acceptAbove(threshold = this.state.acceptThreshold): void {
    const ids = this.state.annotations
      .filter((a) => a.state === 'pending' && (a.score ?? 0) >= threshold)
      .map((a) => a.id);
    if (!ids.length) return this.info(`No pending predictions scoring ≥ ${threshold.toFixed(2)}`);
    this.commit(
      `Accept ${ids.length} ≥ ${threshold.toFixed(2)}`,
      ids.map((id) => ({ op: 'update', id, patch: { state: 'accepted' } })),
    );
  }

  rejectPending(): void {
    const ids = this.state.annotations.filter((a) => a.state === 'pending').map((a) => a.id);
    if (!ids.length) return this.info('No pending predictions');
    this.commit(
      `Reject ${ids.length} pending`,
      ids.map((id) => ({ op: 'update', id, patch: { state: 'rejected' } })),
    );
  }

  nudge(dx: number, dy: number): void {
    const a = this.selected();
    const img = this.state.image;
    if (!a || !img) return;
    const [x, y, w, h] = a.bbox;
    const nx = Math.min(Math.max(0, x + dx), img.width - w);
    const ny = Math.min(Math.max(0, y + dy), img.height - h);
    if (nx !== x || ny !== y) this.setBox(a.id, [nx, ny, w, h], 'Nudge');
  }

  copy(): void {
    const a = this.selected();
    const list = a ? [a] : [];
    if (!list.length) return this.info('Select an annotation to copy');
    clipboard = list.map((x) => ({ ...x }));
    this.info(`Copied ${list.length}`);
  }

  paste(): void {
    const img = this.state.image;
    if (!img || !clipboard.length) return this.info('Clipboard is empty');
    const changes: LocalChange[] = clipboard.map((a) => {
      const w = Math.min(a.bbox[2], img.width),
        h = Math.min(a.bbox[3], img.height);
      const bbox: Bbox = [Math.min(a.bbox[0], img.width - w), Math.min(a.bbox[1], img.height - h), w, h];
      const sameSize = a.rle && a.rle.size[0] === img.height && a.rle.size[1] === img.width;
      return {
        ...recreate({ ...a, bbox }),
        id: localId(),
        source: 'human',
        state: 'accepted',
        predictionId: null,
        score: null,
        rle: sameSize ? a.rle : null,
      };
    });
    this.commit(`Paste ${changes.length}`, changes);
    this.set({
      selectedId:
        changes[changes.length - 1].op === 'create'
          ? (changes[changes.length - 1] as { id: number }).id
          : null,
    });
  }

  // ---------- navigation ----------
  next(): Promise<void> {
    return this.navigate('nextId', 'Last image');
  }

  prev(): Promise<void> {
    return this.navigate('prevId', 'First image');
  }

  /** Queued behind any load in flight, and reads the neighbour of the image it lands on. */
  private navigate(which: 'nextId' | 'prevId', edge: string): Promise<void> {
    const p = this.loading.then(async () => {
      const id = this.state[which];
      if (id != null) await this.loadNow(id);
      else this.info(edge);
    });
    this.loading = p.catch(() => undefined);
    return p;
  }

  /** Marks the image reviewed and opens the next unreviewed one. */
  async markReviewedAndNext(): Promise<void> {
    const id = this.state.imageId;
    if (id == null) return;
    const done = this.task(async () => {
      const r = await this.client.call('images.setStatus', { id, status: 'reviewed' });
      if (this.state.imageId === id) this.set({ status: r.status });
      this.onSaved?.(id);
      return (await this.client.call('images.nextUnreviewed', { after: id })).id;
    });
    const nextId = await done;
    if (nextId == null) this.info('Reviewed. No unreviewed images left.');
    else if (nextId !== id) await this.load(nextId);
  }

  // ---------- saving ----------
  resolveId = (id: number): number => {
    let r = id;
    while (r < 0 && this.idMap.has(r)) r = this.idMap.get(r)!;
    return r;
  };

  /** Runs `fn` after every earlier save, so the server sees calls in the user's order. */
  private task<T>(fn: () => Promise<T>): Promise<T> {
    this.set({ savingCount: this.state.savingCount + 1 });
    const p = this.queue.then(fn);
    this.queue = p.then(
      () => undefined,
      () => undefined,
    );
    return p.finally(() => this.set({ savingCount: this.state.savingCount - 1 }));
  }

  /** Bumped by a reconcile: saves queued before it are covered by it and skipped. */
  private epochs = new Map<number, number>();

  private save(imageId: number, changes: LocalChange[]): void {
    const epoch = this.epochs.get(imageId) ?? 0;
    void this.task(async () => {
      if ((this.epochs.get(imageId) ?? 0) !== epoch) return; // a reconcile already sent it
      let res: Result<'annotations.apply'>;
      try {
        res = await this.client.call('annotations.apply', {
          imageId,
          changes: toWire(changes, this.resolveId),
        });
      } catch (e) {
        if (!(e instanceof ConnectionLostError)) throw e;
        // The answer was lost with the connection: whether the server applied the step is
        // unknown. Wait for the host, then make the server match what the person sees.
        this.info('Connection lost: your changes will be saved when it is back');
        await this.client.whenConnected();
        await this.reconcile(imageId, changes);
        return;
      }
      let k = 0;
      for (const c of changes) {
        if (c.op !== 'create') continue;
        const real = res.created[k++];
        if (real != null && c.id < 0) this.idMap.set(c.id, real);
      }
      if (this.state.imageId !== imageId) return;
      const last = this.state.savingCount <= 1;
      const selectedId = this.state.selectedId == null ? null : this.resolveId(this.state.selectedId);
      if (last) {
        // Nothing else in flight: the server's list is the truth (model-edited, areas, ids).
        this.set({
          annotations: keepIdentity(this.state.annotations, res.annotations),
          status: res.status,
          selectedId,
        });
      } else {
        this.set({
          annotations: this.state.annotations.map((a) => (a.id < 0 ? { ...a, id: this.resolveId(a.id) } : a)),
          status: res.status,
          selectedId,
        });
      }
      this.onSaved?.(imageId);
    }).catch((e) => {
      // The server refused the step: drop it from history and reload the truth.
      this.histories.delete(imageId);
      this.error(`Not saved: ${errorMessage(e)}`);
      if (this.state.imageId === imageId)
        void this.load(imageId).then(() => this.set({ historyDepth: this.history(imageId).depth }));
    });
  }

  /**
   * After a lost answer: one apply that turns the server's annotations of the image into
   * the local ones (the person's intent, later queued steps included; those are skipped).
   * Away from the image, the local list is gone: the lost step is re-sent as it was.
   */
  private async reconcile(imageId: number, lost: LocalChange[]): Promise<void> {
    this.epochs.set(imageId, (this.epochs.get(imageId) ?? 0) + 1);
    if (this.state.imageId !== imageId) {
      const r = await this.client.call('annotations.apply', {
        imageId,
        changes: toWire(lost, this.resolveId),
      });
      let k = 0;
      for (const c of lost) {
        if (c.op !== 'create') continue;
        const real = r.created[k++];
        if (real != null && c.id < 0) this.idMap.set(c.id, real);
      }
      return;
    }
    const server = (await this.client.call('images.get', { id: imageId })).annotations;
    const local = this.state.annotations.map((a) => ({ ...a, id: this.resolveId(a.id) }));
    const onServer = new Map(server.map((a) => [a.id, a]));
    const diff: LocalChange[] = [];
    for (const a of local) {
      const s = a.id > 0 ? onServer.get(a.id) : undefined;
      if (!s) diff.push(recreate(a));
      else if (!sameAnnotation(s, a))
        diff.push({
          op: 'update',
          id: a.id,
          patch: { categoryId: a.categoryId, bbox: a.bbox, rle: a.rle, state: a.state, source: a.source },
        });
      onServer.delete(a.id);
    }
    for (const id of onServer.keys()) diff.push({ op: 'delete', id });
    if (!diff.length) return;
    const res = await this.client.call('annotations.apply', {
      imageId,
      changes: toWire(diff, this.resolveId),
    });
    let k = 0;
    for (const c of diff) {
      if (c.op !== 'create') continue;
      const real = res.created[k++];
      if (real != null && c.id < 0) this.idMap.set(c.id, real);
    }
    if (this.state.imageId === imageId) {
      const selectedId = this.state.selectedId == null ? null : this.resolveId(this.state.selectedId);
      this.set({
        annotations: keepIdentity(this.state.annotations, res.annotations),
        status: res.status,
        selectedId,
      });
    }
    this.info('Reconnected: all changes saved');
  }

  /** Resolves when every save has reached the server. */
  async idle(): Promise<void> {
    for (;;) {
      const q = this.queue;
      await q;
      await this.client.idle();
      if (q === this.queue && this.state.savingCount === 0) return;
    }
  }
}

/**
 * The server's list, reusing the local objects that are equal to it: unchanged annotations
 * keep their identity, so memoised boxes do not re-render after every save.
 */
export function keepIdentity(local: readonly Annotation[], fresh: Annotation[]): Annotation[] {
  const byId = new Map(local.map((a) => [a.id, a]));
  return fresh.map((a) => {
    const old = byId.get(a.id);
    return old && sameAnnotation(old, a) ? old : a;
  });
}

function sameAnnotation(a: Annotation, b: Annotation): boolean {
  return (
    a.categoryId === b.categoryId &&
    a.state === b.state &&
    a.source === b.source &&
    a.score === b.score &&
    a.predictionId === b.predictionId &&
    a.area === b.area &&
    a.bbox[0] === b.bbox[0] &&
    a.bbox[1] === b.bbox[1] &&
    a.bbox[2] === b.bbox[2] &&
    a.bbox[3] === b.bbox[3] &&
    (a.rle === b.rle || (a.rle != null && b.rle != null && a.rle.counts === b.rle.counts))
  );
}
