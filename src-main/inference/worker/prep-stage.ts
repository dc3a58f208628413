/**
 * The preparation stage. ONNX Runtime's `run` blocks the thread it is called on, so images
 * decoded in the model's own thread would wait for every run to finish; here decoding and
 * normalising happen beside the model, and each tensor goes straight to the model stage
 * over the direct line. Only the image's size goes back to the client.
 */
import { prepareImage } from '../image/pipeline';
import { planFor } from '../image/prep-spec';
import { prepareForRegions } from '../uniter/preprocess';
import { errorReply, failure, malformed, PrepRequest, requestId, type Reply, type TensorMessage } from './worker-messages';

/** Posts a tensor to the model stage; `transfer` lists buffers the line may move instead of copying. */
export type SendTensor = (message: TensorMessage, transfer: ArrayBuffer[]) => void;

export function createPrepStage(send: SendTensor): (message: unknown) => Promise<Reply> {
  return async (message) => {
    const parsed = PrepRequest.safeParse(message);
    if (!parsed.success) return errorReply(requestId(message), malformed('prepare request', parsed.error));
    const { id, handle, spec, src } = parsed.data;
    try {
      const input = typeof src === 'string' ? src : Buffer.from(src.buffer, src.byteOffset, src.byteLength);
      // UNITER's regions graph takes BGR minus pixel means, which a resize plan cannot say (uniter/preprocess.ts).
      const p = spec.kind === 'uniter' ? await prepareForRegions(input) : await prepareImage(input, planFor(spec));
      // Nothing is recycled in this thread (every tensor leaves it), so each buffer is fresh
      // and can be moved as it is. The tensor is posted before the reply, so it is on its way
      // before the client can ask for its run.
      const buffer = p.data.buffer;
      send(
        { handle, tensor: { data: p.data, dims: p.dims, origWidth: p.origWidth, origHeight: p.origHeight, ppWidth: p.ppWidth, ppHeight: p.ppHeight } },
        buffer instanceof ArrayBuffer ? [buffer] : [],
      );
      return { id, ok: true, result: { width: p.origWidth, height: p.origHeight } };
    } catch (e) {
      return errorReply(id, failure(e));
    }
  };
}
