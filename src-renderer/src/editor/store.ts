/**
 * The editor core: the open image's annotations as the person sees them, and the intents
 * that change them. Each intent is one step: applied locally at once, recorded in the
 * image's undo history (history.ts) as its action's capture policy says, and queued for
 * the server (save-queue.ts, one `annotations.apply` per step). The view state it writes
 * lives in view-state.ts. Tools (tools/) and actions (actions/) call the methods here;
 * nothing else changes annotations.
 */
import type { NavQuery, PendingPolicy, Result } from '../../../src-main/shared/api';
import type { Annotation, AnnotationState, Category, Rle } from '../../../src-main/shared/contract';
import { errorMessage, type RpcClient } from '../../../src-main/shared/rpc';
import { diffAnnotations } from './annotation-diff';
import {
  applyChanges,
  invertChanges,
  localId,
  type EditedImage,
  type LocalChange,
} from './changes';
import { fitView, type Bbox } from './geometry';
import { ImageHistories, type Capture } from './history';
import { SaveQueue } from './save-queue';
import { loadReviewDefault, saveReviewDefault, type ReviewDefault } from './review-settings';
import { boundsOf, clampGroupOffset } from './selection';
import { deleteChanges, moveChanges, patchChanges } from './group-changes';
import { copyAnnotations, pasteOnto } from './clipboard';
import { markReviewedAndNext } from './review';
import { loadStickyTools, saveStickyTools } from './tool-settings';
import { rleBbox } from '../../../src-main/shared/masks';
import {
  DEFAULT_VIEWPORT,
  VISIBLE_STATES,
  ViewState,
  notEditableReason,
  selectable,
  type EditorState,
} from './view-state';

/** The step being collected while an action runs (see EditorStore.capture). */
interface Step {
  capture: Capture;
  label: string;
  imageId: number;
  labels: string[];
  forward: LocalChange[];
  inverse: LocalChange[];
}

export class EditorStore {
  private readonly view = new ViewState();
  private readonly histories = new ImageHistories();
  private readonly saves: SaveQueue;
  private loadSeq = 0;
  private step: Step | null = null;
  categories: Category[] = [];
  /** Called after the image changes (navigation), e.g. to sync the URL. */
  onImageChange?: (id: number | null) => void;
  /** Called after the server accepted a change (counts in lists may be stale). */
  onSaved?: (imageId: number) => void;
  /** The grid's filter and sort: A/D and "next unreviewed" walk through it (unset: all, by name). */
  nav: NavQuery | undefined;
  /** The state each annotation had when it was rejected in this session (restore puts it back). */
  private beforeRejection = new Map<number, AnnotationState>();

  constructor(readonly client: RpcClient) {
    this.saves = new SaveQueue(client, this.view, {
      saved: (imageId) => this.onSaved?.(imageId),
      refused: (imageId, e) => {
        // The server refused the step: drop the image's history and reload the truth.
        this.histories.forget(imageId);
        this.error(`Not saved: ${errorMessage(e)}`);
        if (this.state.imageId === imageId)
          void this.load(imageId).then(() => this.set({ historyDepth: this.histories.of(imageId).depth }));
      },
    });
    this.view.set({ reviewDefault: loadReviewDefault() });
  }

  setReviewDefault(v: ReviewDefault): void {
    saveReviewDefault(v);
    this.set({ reviewDefault: v });
  }

  /** The open image as the edit rules need it (id and size), null without one. */
  private edited(): EditedImage | null {
    const { imageId, image } = this.state;
    return imageId == null || !image ? null : { id: imageId, width: image.width, height: image.height };
  }

  /** Why the open image cannot be edited now, or null (see notEditableReason). */
  notEditable(): string | null {
    return notEditableReason(this.state);
  }

  // ---------- external store (view-state.ts) ----------
  get = (): EditorState => this.view.get();
  subscribe = (l: () => void): (() => void) => this.view.subscribe(l);
  set(patch: Partial<EditorState>): void {
    this.view.set(patch);
  }
  private get state(): EditorState {
    return this.view.get();
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

  /** The whole selection (selectable ones only: a visible state, not hidden or locked), in list order. */
  selection(): Annotation[] {
    const ids = new Set(this.state.selectedIds);
    return ids.size ? this.state.annotations.filter((a) => ids.has(a.id) && selectable(this.state, a)) : [];
  }

  /** Where the mouse is over the canvas, in image pixels; null outside it (paste uses it). */
  pointer: { x: number; y: number } | null = null;

  info(text: string): void {
    this.view.info(text);
  }
  error(text: string): void {
    this.view.error(text);
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
      const d = await this.client.call('images.get', { id: imageId, nav: this.nav });
      if (seq !== this.loadSeq) return;
      const sameImage = this.state.imageId === imageId;
      this.set({
        imageId,
        image: d.image,
        prevId: d.prevId,
        nextId: d.nextId,
        status: d.image.status,
        annotations: d.annotations,
        selectedIds: sameImage ? this.state.selectedIds : [],
        hoverId: null,
        loading: false,
        labelPopup: false,
        contextMenu: null, // it acted on the image that is gone
        reviewPrompt: null,
        file: d.file,
        imageError: sameImage ? this.state.imageError : null,
        historyDepth: this.histories.of(imageId).depth,
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
    let d: Result<'images.get'>;
    try {
      d = await this.client.call('images.get', { id, nav: this.nav });
    } catch (e) {
      return this.error(`Could not re-read the image: ${errorMessage(e)}`);
    }
    if (seq !== this.loadSeq || this.state.imageId !== id || this.state.savingCount > 0) return;
    const before = this.state.annotations;
    const after = d.annotations;
    const forward = diffAnnotations(before, after);
    this.set({
      annotations: after,
      status: d.image.status,
      prevId: d.prevId,
      nextId: d.nextId,
      file: d.file,
    });
    const image = this.edited();
    if (!forward.length || !image) return;
    const h = this.histories.of(id);
    let inverse: LocalChange[];
    try {
      inverse = invertChanges(before, image, forward);
    } catch (e) {
      // The new list cannot be undone by the rules (a stored box that contradicts its mask).
      return this.error(`${label}: not undoable — ${errorMessage(e)}`);
    }
    h.record({ label, forward, inverse });
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
    const first =
      this.state.viewport.width === DEFAULT_VIEWPORT.width &&
      this.state.viewport.height === DEFAULT_VIEWPORT.height;
    this.set({ viewport: { width, height } });
    if (first) this.fit();
  }

  // ---------- steps: each one is saved as one call and is at most one undo step ----------
  /**
   * Runs `fn` (an action) as one step under its capture policy: every change it commits is
   * saved in one call and, under 'record', undone as one entry; under 'none' nothing it
   * commits enters the history. Steps do not nest: an inner one joins the outer.
   */
  capture(capture: Capture, label: string, fn: () => void): void {
    const imageId = this.state.imageId;
    if (this.step || imageId == null) return fn();
    const step: Step = { capture, label, imageId, labels: [], forward: [], inverse: [] };
    this.step = step;
    try {
      fn();
    } finally {
      this.step = null;
      this.finish(step);
    }
  }

  /** Applies one change set locally; outside an action it is one recorded step of its own. */
  commit(label: string, changes: LocalChange[]): boolean {
    const { imageId, annotations } = this.state;
    const image = this.edited();
    if (imageId == null || !image || changes.length === 0) return false;
    const blocked = this.notEditable();
    if (blocked) {
      this.error(`${label}: this image cannot be edited — ${blocked}`);
      return false;
    }
    let inverse: LocalChange[];
    let next: Annotation[];
    try {
      // The shared edit rules, as the server will apply them (a refused edit is not sent).
      inverse = invertChanges(annotations, image, changes);
      next = applyChanges(annotations, image, changes);
    } catch (e) {
      this.error(`${label}: ${errorMessage(e)}`);
      return false;
    }
    this.set({ annotations: next });
    const step =
      this.step?.imageId === imageId
        ? this.step
        : { capture: 'record' as const, label, imageId, labels: [], forward: [], inverse: [] };
    step.labels.push(label);
    step.forward.push(...changes);
    step.inverse.unshift(...inverse);
    if (step !== this.step) this.finish(step);
    return true;
  }

  private finish(step: Step): void {
    if (!step.forward.length) return;
    if (step.capture === 'record') {
      const h = this.histories.of(step.imageId);
      const label = step.labels.length === 1 ? step.labels[0] : step.label;
      h.record({ label, forward: step.forward, inverse: step.inverse });
      if (this.state.imageId === step.imageId) this.set({ historyDepth: h.depth });
    }
    this.saves.save(step.imageId, step.forward);
  }

  undo(): void {
    this.replay('undo');
  }

  redo(): void {
    this.replay('redo');
  }

  private replay(which: 'undo' | 'redo'): void {
    const image = this.edited();
    if (!image) return;
    const blocked = this.notEditable();
    if (blocked) return this.error(`Cannot ${which}: this image cannot be edited — ${blocked}`);
    const h = this.histories.of(image.id);
    const e = which === 'undo' ? h.undo() : h.redo();
    if (!e) return this.info(`Nothing to ${which}`);
    const changes = which === 'undo' ? e.inverse : e.forward;
    try {
      this.set({ annotations: applyChanges(this.state.annotations, image, changes), historyDepth: h.depth });
    } catch (err) {
      // The local list no longer fits the step: the server's list is the truth.
      this.histories.forget(image.id);
      this.error(`${which === 'undo' ? 'Undo' : 'Redo'}: ${errorMessage(err)}`);
      void this.load(image.id).then(() => this.set({ historyDepth: this.histories.of(image.id).depth }));
      return;
    }
    this.saves.save(image.id, changes);
    this.info(`${which === 'undo' ? 'Undo' : 'Redo'}: ${e.label}`);
  }

  // ---------- intents ----------
  createBox(bbox: Bbox, categoryId = this.state.drawCategoryId): void {
    if (categoryId == null) return this.error('Add a category first (Categories panel)');
    const id = localId();
    this.commit('Draw box', [{ op: 'create', id, categoryId, bbox, source: 'human', state: 'accepted' }]);
    this.set({ selectedId: id, tool: this.stickyTools ? this.state.tool : 'select' });
  }

  /**
   * A new annotation made of a mask alone (a brush stroke on nothing, a closed polygon): its
   * box is the mask's, by the shared rule. Returns its id, or null when it was not made.
   */
  createMask(rle: Rle, label: string, categoryId = this.state.drawCategoryId): number | null {
    if (categoryId == null) {
      this.error('Add a category first (Categories panel)');
      return null;
    }
    const id = localId();
    const bbox = rleBbox(rle);
    if (!this.commit(label, [{ op: 'create', id, categoryId, bbox, rle, source: 'human', state: 'accepted' }]))
      return null;
    this.set({ selectedId: id });
    return id;
  }

  /** Drawing tools stay active after each annotation (tool-settings.ts); off: back to Select. */
  stickyTools = loadStickyTools();

  setStickyTools(on: boolean): void {
    this.stickyTools = on;
    saveStickyTools(on);
    this.set({});
  }

  setBox(id: number, bbox: Bbox, label = 'Move box'): void {
    this.commit(label, [{ op: 'update', id, patch: { bbox } }]);
  }

  /**
   * A new mask for `id` (null: none). The mask brings its own box (the shared rule), so a
   * box-only annotation that gets a mask has its box fitted to the mask: the person is told.
   */
  setMask(id: number, rle: Annotation['rle'], label: string): void {
    const before = this.state.annotations.find((a) => a.id === id);
    if (!this.commit(label, [{ op: 'update', id, patch: { rle } }])) return;
    const after = this.state.annotations.find((a) => a.id === id);
    if (before && after && !before.rle && after.rle && before.bbox.some((v, i) => v !== after.bbox[i]))
      this.info('Box fitted to the mask');
  }

  // Edits of the selection: every annotation selected, in one commit (one step, one apply).
  relabel(categoryId: number): void {
    const list = this.selection();
    this.set({ drawCategoryId: categoryId });
    if (!list.length) return this.info(`New boxes: ${this.category(categoryId)?.name ?? categoryId}`);
    const changes = patchChanges(list, 'categoryId', categoryId);
    if (changes.length) this.commit(list.length > 1 ? `Relabel ${changes.length}` : 'Relabel', changes);
  }

  deleteSelected(): void {
    const list = this.selection();
    if (!list.length) return;
    // Model output is rejected rather than deleted, so the correction report can count it.
    const label = list.length > 1 ? `Delete ${list.length}` : list[0].source === 'human' ? 'Delete' : 'Reject';
    if (this.commit(label, deleteChanges(list)))
      for (const a of list) if (a.source !== 'human') this.beforeRejection.set(a.id, a.state);
    this.set({ selectedId: null });
  }

  acceptSelected(): void {
    const list = this.selection().filter((a) => a.state === 'pending');
    if (!list.length) return this.info('Select a pending prediction to accept');
    const single = this.state.selectedIds.length === 1;
    this.commit(single ? 'Accept prediction' : `Accept ${list.length}`, patchChanges(list, 'state', 'accepted'));
    if (single) this.selectNextPending(list[0].id);
  }

  rejectSelected(): void {
    const list = this.selection().filter((a) => a.state === 'pending');
    if (!list.length) return this.info('Select a pending prediction to reject');
    const single = this.state.selectedIds.length === 1;
    this.reject(list, single ? 'Reject prediction' : `Reject ${list.length}`);
    this.set({ selectedId: null });
    if (single) this.selectNextPending(list[0].id);
  }

  /** Moves the whole selection by (dx, dy), kept inside the image as a group: one step. */
  moveSelection(dx: number, dy: number, label = 'Move'): void {
    const list = this.selection();
    const img = this.state.image;
    const bounds = boundsOf(list.map((a) => a.bbox));
    if (!img || !bounds) return;
    const d = clampGroupOffset(bounds, dx, dy, img.width, img.height);
    const changes = moveChanges(list, d.dx, d.dy);
    if (changes.length) this.commit(list.length > 1 ? `${label} ${list.length}` : label, changes);
  }

  /** Selects every annotation of the image the canvas may select (not hidden, not locked). */
  selectAll(): void {
    this.set({ selectedIds: this.state.annotations.filter((a) => selectable(this.state, a)).map((a) => a.id) });
  }

  /** COCO iscrowd on the selection: set on all, or cleared when all have it. One step. */
  toggleCrowd(): void {
    const list = this.selection();
    if (!list.length) return this.info('Select an annotation to mark as a crowd region');
    const on = !list.every((a) => a.iscrowd);
    if (this.commit(on ? 'Mark crowd' : 'Unmark crowd', patchChanges(list, 'iscrowd', on)))
      this.info(on ? `iscrowd set on ${list.length}` : `iscrowd cleared on ${list.length}`);
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

  /** Rejects the pending predictions only: accepted and edited (accepted) ones are decided. */
  rejectPending(): void {
    const list = this.state.annotations.filter((a) => a.state === 'pending');
    if (!list.length) return this.info('No pending predictions');
    this.reject(list, `Reject ${list.length} pending`);
  }

  private reject(list: Annotation[], label: string): void {
    if (
      this.commit(
        label,
        list.map((a) => ({ op: 'update', id: a.id, patch: { state: 'rejected' } })),
      )
    )
      for (const a of list) this.beforeRejection.set(a.id, a.state);
  }

  /**
   * Puts a rejected annotation back as it was: the state it had when it was rejected in this
   * session; otherwise (after a reload) an edited prediction was accepted, an untouched one pending.
   */
  restore(id: number): void {
    const a = this.state.annotations.find((x) => x.id === id);
    if (!a || a.state !== 'rejected') return this.info('Only a rejected annotation can be restored');
    const state: AnnotationState =
      this.beforeRejection.get(id) ?? (a.source === 'model' ? 'pending' : 'accepted');
    if (this.commit('Restore', [{ op: 'update', id, patch: { state } }])) {
      this.beforeRejection.delete(id);
      this.set({ selectedId: id });
      this.info(`Restored as ${state}`);
    }
  }

  nudge(dx: number, dy: number): void {
    this.moveSelection(dx, dy, 'Nudge');
  }

  copy(): void {
    const list = this.selection();
    if (!list.length) return this.info('Select an annotation to copy');
    copyAnnotations(this.state.imageId, list);
    this.info(`Copied ${list.length}`);
  }

  /** Pastes the copy at the mouse (clipboard.ts): new annotations of a person, selected. */
  paste(): void {
    const image = this.edited();
    if (!image) return;
    const r = pasteOnto(image, this.pointer);
    if ('reason' in r) return this.info(r.reason);
    const { changes } = r;
    if (this.commit(`Paste ${changes.length}`, changes))
      this.set({ selectedIds: changes.map((c) => (c.op === 'create' ? c.id : 0)) });
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

  /** Marks the image reviewed (pending predictions: decided) and opens the next unreviewed one (review.ts). */
  markReviewedAndNext(policy?: PendingPolicy): Promise<void> {
    return markReviewedAndNext(this, (fn) => this.saves.task(fn), policy);
  }

  // ---------- saving (save-queue.ts) ----------
  /** The server's id for a local one. */
  resolveId = (id: number): number => this.saves.resolveId(id);

  /** Resolves when every save has reached the server. */
  idle(): Promise<void> {
    return this.saves.idle();
  }
}
