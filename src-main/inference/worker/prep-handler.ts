/**
 * The preparation thread's logic. ONNX Runtime's `run` blocks the thread it is called on,
 * so images decoded in the model's own thread would wait for every run to finish; here
 * decoding and normalising happen beside the model, and the tensor's buffer is handed
 * over without a copy.
 */
import { LwError } from '../../shared/errors';
import { prepareImage } from '../image/pipeline';
import { planFor } from '../image/prep-spec';
import { PrepRequest, type PreparedTensor } from './protocol';

export type PrepReply =
  | { id: number; ok: true; result: PreparedTensor }
  | { id: number; ok: false; error: { code: string; message: string; hint?: string } };

export async function handlePrep(message: unknown): Promise<PrepReply> {
  const id = typeof (message as { id?: unknown })?.id === 'number' ? (message as { id: number }).id : -1;
  const parsed = PrepRequest.safeParse(message);
  if (!parsed.success) return { id, ok: false, error: { code: 'INVALID_ARGUMENT', message: `Malformed prepare request: ${parsed.error.issues[0]?.message}` } };
  const { spec, src } = parsed.data;
  try {
    const input = typeof src === 'string' ? src : Buffer.from(src.buffer, src.byteOffset, src.byteLength);
    const p = await prepareImage(input, planFor(spec));
    // Nothing is recycled in this thread (every tensor leaves it), so each buffer is fresh
    // and can be transferred as it is.
    return { id, ok: true, result: { data: p.data as Float32Array<ArrayBuffer>, dims: p.dims, origWidth: p.origWidth, origHeight: p.origHeight, ppWidth: p.ppWidth, ppHeight: p.ppHeight } };
  } catch (e) {
    const err = e instanceof LwError ? e.toPayload() : { code: 'INFERENCE_FAILED', message: e instanceof Error ? e.message : String(e) };
    return { id, ok: false, error: err };
  }
}
