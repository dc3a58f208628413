/**
 * The wire contract: every type that crosses a process boundary (RPC, IPC, CLI --json,
 * worker messages) is defined here as a zod schema, and the TypeScript type is inferred
 * from it. This module imports nothing but zod, so the renderer can import its types.
 *
 * Coordinates follow COCO: continuous pixel coordinates with the origin at the top-left
 * corner of the top-left pixel; boxes are [x, y, width, height].
 */
import { z } from 'zod';

// ---------- errors ----------
export const ErrorCode = z.enum([
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'CONFLICT',
  'PROJECT_NEWER_VERSION',
  'PROJECT_NOT_LABELWRIGHT',
  'PROJECT_READ_ONLY',
  'PROJECT_BUSY',
  'IMAGE_UNREADABLE',
  'IMAGE_TOO_LARGE',
  'COCO_INVALID',
  'MODEL_PACK_INVALID',
  'MODEL_PACK_MISSING',
  'MODEL_DOWNLOAD_FAILED',
  'MODEL_LOAD_FAILED',
  'INFERENCE_FAILED',
  'DISK_FULL',
  'CANCELLED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorPayload = z.object({
  code: ErrorCode,
  message: z.string(),
  hint: z.string().optional(),
  /** Structured detail for scripts, e.g. every problem found in a COCO file. */
  details: z.unknown().optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

// ---------- geometry ----------
/**
 * A coordinate: JSON like 1e999 parses to Infinity, which zod refuses as "expected number,
 * received Infinity"; say that it must be finite instead.
 */
const coord = () =>
  z.number({ error: (iss) => (typeof iss.input === 'number' ? `expected a finite number, got ${String(iss.input)}` : undefined) });
export const Bbox = z.tuple([coord(), coord(), coord().nonnegative(), coord().nonnegative()]);
export type Bbox = z.infer<typeof Bbox>;

/** COCO compressed RLE: `counts` is the LEB128-like string of pycocotools; size is [height, width]. */
export const Rle = z.object({
  size: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  counts: z.string(),
});
export type Rle = z.infer<typeof Rle>;

// ---------- project store ----------
export const ReviewStatus = z.enum(['unlabeled', 'prelabeled', 'in_progress', 'reviewed']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

export const AnnotationSource = z.enum(['human', 'model', 'model-edited']);
export type AnnotationSource = z.infer<typeof AnnotationSource>;

/** pending: a model output awaiting a decision; archived: kept as history when overwritten. */
export const AnnotationState = z.enum(['pending', 'accepted', 'rejected', 'archived']);
export type AnnotationState = z.infer<typeof AnnotationState>;

export const ImageRecord = z.object({
  id: z.number().int().positive(),
  path: z.string(),
  hash: z.string(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  status: ReviewStatus,
});
export type ImageRecord = z.infer<typeof ImageRecord>;

export const Category = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  color: z.string(),
  prompt: z.string(),
  threshold: z.number().min(0).max(1).nullable(),
  supercategory: z.string().nullable(),
  /** Key that assigns this category in the editor ('1'–'9'), or null. */
  hotkey: z.string().nullable().optional(),
});
export type Category = z.infer<typeof Category>;

/** The longest category name, in characters (for every surface that takes one: CLI, RPC, COCO import). */
export const CATEGORY_NAME_MAX = 200;

export const CategoryInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'category name must not be empty')
    .max(CATEGORY_NAME_MAX, { error: (iss) => `too long: ${String((iss.input as string).length)} characters, the limit is ${CATEGORY_NAME_MAX}` }),
  prompt: z.string().trim().min(1).max(1000).optional(),
  threshold: z.number().min(0).max(1).nullable().optional(),
  supercategory: z.string().trim().min(1).max(200).nullable().optional(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'colour must look like #rrggbb')
    .optional(),
  hotkey: z
    .string()
    .regex(/^[1-9]$/, 'hotkey must be a digit 1–9')
    .nullable()
    .optional(),
  /** Only honoured when the id is free: used by COCO import to keep ids stable. */
  id: z.number().int().positive().optional(),
});
export type CategoryInput = z.infer<typeof CategoryInput>;

export const Annotation = z.object({
  id: z.number().int().positive(),
  imageId: z.number().int().positive(),
  categoryId: z.number().int().positive(),
  bbox: Bbox,
  rle: Rle.nullable(),
  area: z.number().nonnegative(),
  source: AnnotationSource,
  state: AnnotationState,
  predictionId: z.number().int().positive().nullable(),
  score: z.number().nullable(),
  /** COCO iscrowd: one region covering many objects (exported with an RLE segmentation). Absent: false. */
  iscrowd: z.boolean().optional(),
});
export type Annotation = z.infer<typeof Annotation>;

export const AddImagesFailure = z.object({ path: z.string(), reason: z.string() });
export type AddImagesFailure = z.infer<typeof AddImagesFailure>;

export const AddImagesResult = z.object({
  scanned: z.number().int(),
  added: z.number().int(),
  alreadyPresent: z.number().int(),
  /** An image whose file moved: same content found at a new path; its annotations follow it. */
  relocated: z.number().int(),
  /** Files whose content equals an image already in the project at another (existing) path. */
  duplicates: z.array(z.object({ path: z.string(), of: z.string() })),
  failed: z.array(AddImagesFailure),
  /** Files at a known path whose content changed since they were added: the old record kept (the default) or updated (`updateChanged`). */
  changed: z.array(z.object({ path: z.string(), action: z.enum(['kept', 'updated']), sizeChanged: z.boolean(), note: z.string().optional() })),
});
export type AddImagesResult = z.infer<typeof AddImagesResult>;

export const ProjectStats = z.object({
  schemaVersion: z.number().int(),
  images: z.number().int(),
  byStatus: z.record(ReviewStatus, z.number().int()),
  categories: z.number().int(),
  annotations: z.number().int(),
  annotationsByState: z.record(AnnotationState, z.number().int()),
  predictions: z.number().int(),
  runs: z.number().int(),
  perCategory: z.array(
    z.object({ id: z.number().int(), name: z.string(), annotations: z.number().int(), images: z.number().int() }),
  ),
  /**
   * Images whose file is missing, unreadable or changed since it was added: the stored
   * verdicts of the last checks, or (`labelwright stats`) a fresh stat of every file.
   */
  files: z.object({ missing: z.number().int(), unreadable: z.number().int(), changed: z.number().int() }),
});
export type ProjectStats = z.infer<typeof ProjectStats>;

// ---------- model outputs (inference → jobs/db) ----------
export const Detection = z.object({
  categoryId: z.number().int().positive(),
  bbox: Bbox,
  score: z.number(),
  phrase: z.string(),
  /** The detection's instance mask from a segmenter prompted with its box (SAM in a pre-labeling job), at the image's size. */
  mask: Rle.optional(),
});
export type Detection = z.infer<typeof Detection>;

export const ClassMask = z.object({
  categoryId: z.number().int().positive(),
  rle: Rle,
  area: z.number().nonnegative(),
  bbox: Bbox,
  score: z.number(),
});
export type ClassMask = z.infer<typeof ClassMask>;

// ---------- model packs (MODELS.md) ----------
export const PackKind = z.enum(['glip', 'groupvit', 'pix2seq', 'sam', 'uniter']);
export type PackKind = z.infer<typeof PackKind>;

export const PackFile = z.object({
  path: z
    .string()
    .min(1)
    .refine((p) => !p.includes('..') && !p.startsWith('/') && !/^[a-zA-Z]:/.test(p), 'must be a relative path inside the pack'),
  url: z.string().optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits')
    .optional(),
  bytes: z.number().int().positive().optional(),
});
export type PackFile = z.infer<typeof PackFile>;

export const PackManifest = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits, dot, dash or underscore'),
  kind: PackKind,
  displayName: z.string().min(1),
  license: z.string().min(1),
  /** Shown before download when the licence restricts use (GroupViT: non-commercial). */
  licenseNotice: z.string().optional(),
  fixture: z.boolean().optional(),
  files: z.record(z.string(), PackFile),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type PackManifest = z.infer<typeof PackManifest>;

export const ExecutionProvider = z.enum(['cuda', 'dml', 'coreml', 'cpu']);
export type ExecutionProvider = z.infer<typeof ExecutionProvider>;

// ---------- COCO export options ----------
export const CocoExportOptions = z.object({
  format: z.enum(['instances', 'results']).default('instances'),
  segmentation: z.enum(['rle', 'polygon', 'none']).default('rle'),
  /** Only images whose review status is `reviewed`. */
  reviewedOnly: z.boolean().default(false),
  /** accepted: human decisions only; pending: also model output not yet decided. */
  include: z.enum(['accepted', 'pending']).default('accepted'),
  /** file_name in the export is relative to this folder (default: the images' common folder). */
  imageRoot: z.string().optional(),
});
export type CocoExportOptions = z.input<typeof CocoExportOptions>;
