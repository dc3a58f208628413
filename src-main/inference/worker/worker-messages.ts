/**
 * Every message between the engine client and its two stages, declared once as zod
 * schemas; the types are inferred from them and each receiver validates what it gets.
 *
 *   client ──PrepRequest──▶ prep stage ──TensorMessage──▶ model stage      (direct line)
 *   client ◀──Reply(Prepared)──┘         client ──ModelRequest──▶ model stage
 *                                        client ◀──Reply(result)──┘
 *
 * The client never sees tensor bytes: it asks for "image X as handle H", gets the image's
 * size back, and later asks the model stage to run H.
 */
import { MessagePort } from 'node:worker_threads';
import { z } from 'zod';
import { Bbox, ErrorPayload } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import { AdapterCategory, EngineInfo, PackRef, PredictionResult, PrepSpec, RunOptions, Suggestion } from '../types';
import { SamCachedResult, SamEmbedding, SamMask, SamPrompt } from '../sam/sam-types';

/** Which stage a worker thread or utility process is. */
export const Stage = z.enum(['prep', 'model']);
export type Stage = z.infer<typeof Stage>;

/** Node: a stage thread's workerData, its end of the direct line included, so the line exists before the first request. */
export const ThreadStart = z.object({ stage: Stage, line: z.instanceof(MessagePort) });
export type ThreadStart = z.infer<typeof ThreadStart>;

/**
 * Electron: the first message to a utility process says which stage it is; the port of the
 * direct line comes with it (in the event's `ports`, not in the data).
 */
export const LinkMessage = z.object({ op: z.literal('link'), stage: Stage });
export type LinkMessage = z.infer<typeof LinkMessage>;

/**
 * Typed arrays over any buffer: z.instanceof would narrow the type to arrays over an
 * ArrayBuffer, which the image pipeline's arrays (ArrayBufferLike) are not declared as.
 */
const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected a Uint8Array');
const Floats = z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');

/** An image as a path or its bytes (a Buffer arrives as a Uint8Array). */
const Source = z.union([z.string().min(1), Bytes]);

/** client → prep stage: decode and normalise an image for a pack's spec, to be run as `handle`. */
export const PrepRequest = z.object({ id: z.number().int(), op: z.literal('prepare'), handle: z.number().int(), spec: PrepSpec, src: Source });
export type PrepRequest = z.infer<typeof PrepRequest>;

/** prep stage → client: the image is prepared (and already on its way to the model stage). */
export const Prepared = z.object({ width: z.number().int().positive(), height: z.number().int().positive() });
export type Prepared = z.infer<typeof Prepared>;

/** A prepared image; its tensor's buffer is transferred where the line allows it, not copied. */
export const PreparedTensor = z.object({
  data: Floats,
  dims: z.tuple([z.literal(1), z.literal(3), z.number().int().positive(), z.number().int().positive()]),
  origWidth: z.number().int().positive(),
  origHeight: z.number().int().positive(),
  ppWidth: z.number().int().positive(),
  ppHeight: z.number().int().positive(),
});
export type PreparedTensor = z.infer<typeof PreparedTensor>;

/** prep stage → model stage, over the direct line. */
export const TensorMessage = z.object({ handle: z.number().int(), tensor: PreparedTensor });
export type TensorMessage = z.infer<typeof TensorMessage>;

/** client → model stage. */
export const ModelRequest = z.discriminatedUnion('op', [
  z.object({ id: z.number().int(), op: z.literal('open'), pack: z.union([z.string().min(1), PackRef]) }),
  z.object({ id: z.number().int(), op: z.literal('run'), handle: z.number().int(), categories: z.array(AdapterCategory), opts: RunOptions.optional() }),
  z.object({ id: z.number().int(), op: z.literal('suggest'), handle: z.number().int(), box: Bbox, categories: z.array(AdapterCategory) }),
  /** `key`: the caller's cache key for the file (SAM keeps the embedding under it, so later prompts need no pixels: segmentCached). */
  z.object({ id: z.number().int(), op: z.literal('segment'), handle: z.number().int(), prompts: z.array(SamPrompt), key: z.string().min(1).optional() }),
  z.object({ id: z.number().int(), op: z.literal('segmentCached'), key: z.string().min(1), prompts: z.array(SamPrompt) }),
  z.object({ id: z.number().int(), op: z.literal('embed'), handle: z.number().int(), key: z.string().min(1).optional() }),
  /** A prepared image that will not be run (its job stopped, or another pack failed to prepare it). */
  z.object({ id: z.number().int(), op: z.literal('release'), handle: z.number().int() }),
  z.object({ id: z.number().int(), op: z.literal('close') }),
]);
export type ModelRequest = z.infer<typeof ModelRequest>;

/** What each model request answers with. */
export const ModelResult = {
  open: EngineInfo,
  run: PredictionResult,
  suggest: z.array(Suggestion),
  segment: z.array(SamMask),
  segmentCached: SamCachedResult.nullable(),
  embed: SamEmbedding,
  release: z.null(),
  close: z.null(),
} satisfies Record<ModelRequest['op'], z.ZodType>;

/** stage → client, matched to its request by id; `result` is checked against the request's result schema. */
export const Reply = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: ErrorPayload }),
]);
export type Reply = z.infer<typeof Reply>;

/** The reply to a message that failed validation or whose handling threw. */
export function errorReply(id: number, error: z.infer<typeof ErrorPayload>): Reply {
  return { id, ok: false, error };
}

/** The id of a request, even a malformed one, so its caller is not left waiting. */
export function requestId(message: unknown): number {
  const r = z.object({ id: z.number().int() }).safeParse(message);
  return r.success ? r.data.id : -1;
}

export function malformed(what: string, error: z.ZodError): z.infer<typeof ErrorPayload> {
  return { code: 'INVALID_ARGUMENT', message: `Malformed ${what}: ${error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
}

/** What a stage reports when handling a request threw. */
export function failure(e: unknown): z.infer<typeof ErrorPayload> {
  return e instanceof LwError ? e.toPayload() : { code: 'INFERENCE_FAILED', message: e instanceof Error ? e.message : String(e) };
}
