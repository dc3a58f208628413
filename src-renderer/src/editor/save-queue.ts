/**
 * Autosave: every undo step goes to the server as one `annotations.apply`, in the order the
 * person made them (calls are serialised). Annotations created here carry local ids below
 * zero until the server numbers them; the id map rewrites later steps that still refer to
 * them. When the connection drops before an answer, whether the server applied the step is
 * unknown: after reconnecting, the queue makes the server's list match the local one.
 */
import type { Result } from '../../../src-main/shared/api';
import { ConnectionLostError, type RpcClient } from '../../../src-main/shared/rpc';
import { diffAnnotations, keepIdentity } from './annotation-diff';
import { toWire, type LocalChange } from './changes';
import type { ViewState } from './view-state';

export interface SaveHooks {
  /** The server accepted a change of `imageId` (counts in lists may be stale). */
  saved(imageId: number): void;
  /** The server refused a step of `imageId`: the local list no longer matches it. */
  refused(imageId: number, error: unknown): void;
}

export class SaveQueue {
  private queue: Promise<void> = Promise.resolve();
  /** Local id → the id the server gave it. */
  private idMap = new Map<number, number>();
  /** Bumped by a reconcile: saves queued before it are covered by it and skipped. */
  private epochs = new Map<number, number>();

  constructor(
    private readonly client: RpcClient,
    private readonly view: ViewState,
    private readonly hooks: SaveHooks,
  ) {}

  /** The server's id for a local one (itself when it is real or not numbered yet). */
  resolveId = (id: number): number => {
    let r = id;
    while (r < 0 && this.idMap.has(r)) r = this.idMap.get(r)!;
    return r;
  };

  /** Runs `fn` after every earlier save, so the server sees calls in the user's order. */
  task<T>(fn: () => Promise<T>): Promise<T> {
    this.view.set({ savingCount: this.view.get().savingCount + 1 });
    const p = this.queue.then(fn);
    this.queue = p.then(
      () => undefined,
      () => undefined,
    );
    return p.finally(() => this.view.set({ savingCount: this.view.get().savingCount - 1 }));
  }

  /** Queues one step of `imageId` for the server. */
  save(imageId: number, changes: LocalChange[]): void {
    const epoch = this.epochs.get(imageId) ?? 0;
    void this.task(async () => {
      if ((this.epochs.get(imageId) ?? 0) !== epoch) return; // a reconcile already sent it
      let res: Result<'annotations.apply'>;
      try {
        res = await this.apply(imageId, changes);
      } catch (e) {
        if (!(e instanceof ConnectionLostError)) throw e;
        // The answer was lost with the connection: whether the server applied the step is
        // unknown. Wait for the host, then make the server match what the person sees.
        this.view.info('Connection lost: your changes will be saved when it is back');
        await this.client.whenConnected();
        await this.reconcile(imageId, changes);
        return;
      }
      // With nothing else in flight the server's list is the truth (model-edited, areas,
      // ids); with later steps queued it is already stale, so only ids are taken from it.
      this.adopt(imageId, res, this.view.get().savingCount <= 1);
      this.hooks.saved(imageId);
    }).catch((e) => this.hooks.refused(imageId, e));
  }

  /** Resolves when every save has reached the server. */
  async idle(): Promise<void> {
    for (;;) {
      const q = this.queue;
      await q;
      await this.client.idle();
      if (q === this.queue && this.view.get().savingCount === 0) return;
    }
  }

  /** One `annotations.apply`, local ids rewritten; the ids the server gave are remembered. */
  private async apply(imageId: number, changes: LocalChange[]): Promise<Result<'annotations.apply'>> {
    const res = await this.client.call('annotations.apply', {
      imageId,
      changes: toWire(changes, this.resolveId),
    });
    let k = 0;
    for (const c of changes) {
      if (c.op !== 'create') continue;
      const real = res.created[k++];
      if (real != null && c.id < 0) this.idMap.set(c.id, real);
    }
    return res;
  }

  /**
   * Brings the open image up to date after a save: its status, and either the server's
   * whole list or only the server's ids in place of local ones.
   */
  private adopt(imageId: number, res: Result<'annotations.apply'>, whole: boolean): void {
    const s = this.view.get();
    if (s.imageId !== imageId) return;
    // The whole selection keeps its members (local ids become the server's).
    const selectedIds = s.selectedIds.map(this.resolveId);
    const annotations = whole
      ? keepIdentity(s.annotations, res.annotations)
      : s.annotations.map((a) => (a.id < 0 ? { ...a, id: this.resolveId(a.id) } : a));
    this.view.set({ annotations, selectedIds, status: res.status });
  }

  /**
   * After a lost answer: one apply that turns the server's annotations of the image into
   * the local ones (the person's intent, later queued steps included; those are skipped).
   * Away from the image, the local list is gone: the lost step is re-sent as it was.
   */
  private async reconcile(imageId: number, lost: LocalChange[]): Promise<void> {
    this.epochs.set(imageId, (this.epochs.get(imageId) ?? 0) + 1);
    if (this.view.get().imageId !== imageId) {
      await this.apply(imageId, lost);
      return;
    }
    const server = (await this.client.call('images.get', { id: imageId })).annotations;
    const local = this.view.get().annotations.map((a) => ({ ...a, id: this.resolveId(a.id) }));
    const diff = diffAnnotations(server, local);
    if (!diff.length) return;
    this.adopt(imageId, await this.apply(imageId, diff), true);
    this.view.info('Reconnected: all changes saved');
  }
}
