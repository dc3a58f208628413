/**
 * The inference worker's logic as one message handler, independent of how messages travel:
 * worker_threads (thread.ts) today, Electron's utilityProcess later. One engine per worker;
 * prepared images stay here and the client refers to them by handle, so pixels never cross.
 */
import { LwError } from '../../shared/errors';
import { LocalEngine } from '../engine';
import type { PreparedImage } from '../image/pipeline';
import { Request, type Response } from './protocol';

export type MessageHandler = (message: unknown) => Promise<Response>;

export function createMessageHandler(): MessageHandler {
  let engine: LocalEngine | null = null;
  const prepared = new Map<number, PreparedImage>();
  let nextHandle = 1;

  const need = (): LocalEngine => {
    if (!engine) throw new LwError('INVALID_ARGUMENT', 'The inference worker has no model pack open');
    return engine;
  };
  const src = (s: string | Uint8Array) => (typeof s === 'string' ? s : Buffer.from(s.buffer, s.byteOffset, s.byteLength));

  return async (message: unknown): Promise<Response> => {
    const parsed = Request.safeParse(message);
    const id = typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : -1;
    if (!parsed.success)
      return { id, ok: false, error: { code: 'INVALID_ARGUMENT', message: `Malformed inference request: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` } };
    const req = parsed.data;
    try {
      switch (req.op) {
        case 'open': {
          if (engine) await engine.close();
          engine = null;
          engine = await LocalEngine.create({ pack: req.pack });
          return { id, ok: true, result: engine.info };
        }
        case 'prepare': {
          const p = await need().prepare(src(req.src));
          const handle = nextHandle++;
          prepared.set(handle, p);
          return { id, ok: true, result: { handle, width: p.origWidth, height: p.origHeight } };
        }
        case 'run': {
          const p = prepared.get(req.handle);
          if (!p) throw new LwError('INVALID_ARGUMENT', `Unknown or already used prepared image ${req.handle}`);
          prepared.delete(req.handle);
          return { id, ok: true, result: await need().run(p, req.categories, req.opts) };
        }
        case 'runPrepared':
          return { id, ok: true, result: await need().run({ ...req.prepared }, req.categories, req.opts) };
        case 'predict':
          return { id, ok: true, result: await need().predict(src(req.src), req.categories, req.opts) };
        case 'release':
          prepared.delete(req.handle);
          return { id, ok: true, result: null };
        case 'close':
          prepared.clear();
          await engine?.close();
          engine = null;
          return { id, ok: true, result: null };
      }
    } catch (e) {
      const err =
        e instanceof LwError
          ? e.toPayload()
          : { code: 'INFERENCE_FAILED' as const, message: e instanceof Error ? e.message : String(e) };
      return { id, ok: false, error: err };
    }
  };
}
