/**
 * The model stage: one engine per stage, tensors from the preparation stage by handle.
 * Transport-agnostic: stage-thread.ts hosts it in a worker thread, and
 * src-main/app/inference-utility.ts in an Electron utilityProcess.
 */
import { LocalEngine } from '../engine';
import { LwError } from '../../shared/errors';
import { InFlight } from '../../platform/stop-worker';
import { TensorInbox } from './tensor-inbox';
import { errorReply, failure, malformed, ModelRequest, requestId, TensorMessage, type Reply } from './worker-messages';

export interface ModelStage {
  /** A request from the client; the reply goes back to it. */
  handle(message: unknown): Promise<Reply>;
  /** A tensor from the preparation stage, over the direct line. */
  receive(message: unknown): void;
  /** Closes the engine once the requests in flight are done (the thread is about to end). */
  close(): Promise<void>;
}

export function createModelStage(): ModelStage {
  let engine: LocalEngine | null = null;
  const inbox = new TensorInbox();
  /**
   * Runs in flight on the engine. Closing or replacing the engine waits for them: releasing a
   * session under a running `run` is undefined behaviour in ONNX Runtime, and when the thread
   * then ends, the run's completion lands in a dead environment and takes the process down.
   */
  const busy = new InFlight();
  const closeEngine = async () => {
    await busy.drained();
    inbox.clear();
    const e = engine;
    engine = null;
    await e?.close();
  };

  const need = (): LocalEngine => {
    if (!engine) throw new LwError('INVALID_ARGUMENT', 'The inference worker has no model pack open');
    return engine;
  };

  return {
    receive(message) {
      const parsed = TensorMessage.safeParse(message);
      // Only the preparation stage writes on this line; a malformed message is a bug there,
      // and the run waiting for it reports nothing: say so loudly.
      if (!parsed.success) throw new Error(`model stage: malformed tensor message: ${parsed.error.message}`);
      inbox.put(parsed.data.handle, parsed.data.tensor);
    },

    close: closeEngine,

    async handle(message) {
      const parsed = ModelRequest.safeParse(message);
      if (!parsed.success) return errorReply(requestId(message), malformed('inference request', parsed.error));
      const req = parsed.data;
      // Opening or closing waits for the runs in flight (closeEngine), so it is not one of them.
      return req.op === 'open' || req.op === 'close' ? serve(req) : busy.track(serve(req));
    },
  };

  async function serve(req: ModelRequest): Promise<Reply> {
    const id = req.id;
    try {
      switch (req.op) {
        case 'open': {
          await closeEngine();
          engine = await LocalEngine.create({ pack: req.pack });
          return { id, ok: true, result: engine.info };
        }
        case 'run': {
          const tensor = await inbox.take(req.handle);
          return { id, ok: true, result: await need().run({ ...tensor }, req.categories, req.opts) };
        }
        case 'suggest': {
          const tensor = await inbox.take(req.handle);
          return { id, ok: true, result: await need().suggestPrepared({ ...tensor }, req.box, req.categories) };
        }
        case 'segment': {
          const tensor = await inbox.take(req.handle);
          return { id, ok: true, result: await need().segmentPrepared({ ...tensor }, req.prompts, req.key) };
        }
        case 'segmentCached':
          return { id, ok: true, result: await need().segmentCached(req.key, req.prompts) };
        case 'embed': {
          const tensor = await inbox.take(req.handle);
          return { id, ok: true, result: await need().embedPrepared({ ...tensor }, req.key) };
        }
        case 'release':
          inbox.drop(req.handle);
          return { id, ok: true, result: null };
        case 'close':
          await closeEngine();
          return { id, ok: true, result: null };
      }
    } catch (e) {
      return errorReply(id, failure(e));
    }
  }
}
