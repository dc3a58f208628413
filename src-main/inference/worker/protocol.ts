/**
 * Messages between an engine client and the inference worker (worker_threads in Node, a
 * utilityProcess in Electron). Both directions are validated with zod.
 */
import { z } from 'zod';
import { ClassMask, Detection, ErrorPayload, ExecutionProvider, PackKind, PackManifest } from '../../shared/contract';

const PackRefSchema = z.object({
  manifest: PackManifest,
  dir: z.string(),
  files: z.record(z.string(), z.string()),
  missing: z.array(z.string()),
});

export const CategorySchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  prompt: z.string().optional(),
  threshold: z.number().min(0).max(1).nullable().optional(),
});

const RunOptionsSchema = z.object({ instances: z.boolean().optional() }).optional();

export const PrepSpecSchema = z.union([
  z.object({ kind: z.literal('glip'), fixed: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).optional() }),
  z.object({ kind: z.literal('groupvit') }),
]);

/** A prepared image that travels between threads; its tensor's buffer is transferred, not copied. */
export const PreparedTensorSchema = z.object({
  data: z.instanceof(Float32Array),
  dims: z.tuple([z.literal(1), z.literal(3), z.number().int().positive(), z.number().int().positive()]),
  origWidth: z.number().int().positive(),
  origHeight: z.number().int().positive(),
  ppWidth: z.number().int().positive(),
  ppHeight: z.number().int().positive(),
});
export type PreparedTensor = z.infer<typeof PreparedTensorSchema>;
const Source = z.union([z.string().min(1), z.instanceof(Uint8Array)]);

export const Request = z.discriminatedUnion('op', [
  z.object({ id: z.number().int(), op: z.literal('open'), pack: z.union([z.string().min(1), PackRefSchema]) }),
  z.object({ id: z.number().int(), op: z.literal('prepare'), src: Source }),
  z.object({ id: z.number().int(), op: z.literal('run'), handle: z.number().int(), categories: z.array(CategorySchema), opts: RunOptionsSchema }),
  z.object({ id: z.number().int(), op: z.literal('runPrepared'), prepared: PreparedTensorSchema, categories: z.array(CategorySchema), opts: RunOptionsSchema }),
  z.object({ id: z.number().int(), op: z.literal('predict'), src: Source, categories: z.array(CategorySchema), opts: RunOptionsSchema }),
  z.object({ id: z.number().int(), op: z.literal('release'), handle: z.number().int() }),
  z.object({ id: z.number().int(), op: z.literal('close') }),
]);
export type Request = z.infer<typeof Request>;

export const EngineInfoSchema = z.object({
  packId: z.string(),
  kind: PackKind,
  displayName: z.string(),
  license: z.string(),
  fixture: z.boolean(),
  ep: ExecutionProvider,
  cudaUnavailable: z.string().optional(),
  epForced: z.boolean(),
  prep: PrepSpecSchema,
});

/** The preparation thread's one request: decode and normalise an image for a pack's spec. */
export const PrepRequest = z.object({ id: z.number().int(), spec: PrepSpecSchema, src: Source });

export const PreparedHandle = z.object({ handle: z.number().int(), width: z.number().int(), height: z.number().int() });
export type PreparedHandle = z.infer<typeof PreparedHandle>;

export const PredictionResultSchema = z.object({
  packId: z.string(),
  kind: PackKind,
  width: z.number().int(),
  height: z.number().int(),
  detections: z.array(Detection),
  masks: z.array(ClassMask),
  ep: ExecutionProvider,
  timings: z.object({ inferMs: z.number(), postMs: z.number() }),
});

export const Response = z.union([
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int(), ok: z.literal(false), error: ErrorPayload }),
]);
export type Response = z.infer<typeof Response>;
