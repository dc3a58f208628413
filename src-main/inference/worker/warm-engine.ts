/**
 * One worker engine kept warm for the last pack asked for (the editor's per-click model calls:
 * SAM's segmenter, Pix2seq's class suggestions). Asking for another pack closes the previous engine; a pack that fails to
 * load is not kept, so the next call tries again.
 */
import { createWorkerEngine, type WorkerEngine } from './worker-engine';

export class WarmEngine {
  private current: { pack: string; engine: Promise<WorkerEngine> } | null = null;

  get(pack: string): Promise<WorkerEngine> {
    if (this.current?.pack !== pack) {
      const previous = this.current;
      const engine = createWorkerEngine({ pack });
      this.current = { pack, engine };
      engine.catch(() => {
        if (this.current?.engine === engine) this.current = null;
      });
      void previous?.engine.then((e) => e.close()).catch(() => undefined);
    }
    return this.current!.engine;
  }

  /** The engine kept for `pack`, without starting one; null when another pack (or none) is warm. */
  async peek(pack: string): Promise<WorkerEngine | null> {
    return this.current?.pack === pack ? this.current.engine.catch(() => null) : null;
  }

  async close(): Promise<void> {
    const c = this.current;
    this.current = null;
    if (c) await c.engine.then((e) => e.close()).catch(() => undefined);
  }
}
