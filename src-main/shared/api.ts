/**
 * The project API as data: every method's params and result schema, and every event's
 * payload. The generic RPC server validates requests against it; the renderer's client is
 * typed from it. Add a method here first, then implement it in a service.
 */
import { z } from 'zod';
import {
  AddImagesResult,
  Annotation,
  AnnotationSource,
  AnnotationState,
  Bbox,
  Category,
  CategoryInput,
  ErrorPayload,
  ExecutionProvider,
  ImageRecord,
  PackKind,
  ProjectStats,
  ReviewStatus,
  Rle,
} from './contract';

const Id = z.number().int().positive();
const Empty = z.object({}).strict();

// ---------- images ----------
/**
 * Whether an image's file can still be shown: `missing` (no file at its path), `unreadable`
 * (cannot be decoded), `changed` (its size or content hash differs from when it was added,
 * so the annotations may no longer fit it). Checked lazily, when the image is opened.
 */
export const FileState = z.enum(['ok', 'missing', 'unreadable', 'changed']);
export type FileState = z.infer<typeof FileState>;

export const ImageSummary = z.object({
  id: Id,
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  status: ReviewStatus,
  /** Annotations that count (accepted or pending). */
  annotations: z.number().int(),
  pending: z.number().int(),
  /** Highest model score on the image (pending or accepted), null without model output. */
  topScore: z.number().nullable(),
  /** The file's state when it was last checked ('ok' until a check finds otherwise). */
  fileState: FileState,
  /** UNITER audit flags on the image now (see AuditFlag): categories likely missing, annotated categories doubtful. */
  auditMissing: z.number().int().nonnegative(),
  auditDoubtful: z.number().int().nonnegative(),
});
export type ImageSummary = z.infer<typeof ImageSummary>;

export const ImageQuery = z.object({
  status: z.array(ReviewStatus).optional(),
  categoryId: Id.optional(),
  hasPending: z.boolean().optional(),
  /** Only images whose top score is at least this. */
  minScore: z.number().min(0).max(1).optional(),
  /** Only images with UNITER audit flags: any flag, or of one kind. */
  audit: z.enum(['flagged', 'missing', 'doubtful']).optional(),
  /** uncertainty: lowest top score first, images without model output last. audit: most suspicious audit flag first, unflagged last. */
  sort: z.enum(['name', 'uncertainty', 'audit']).default('name'),
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().positive().max(5000).default(200),
});
export type ImageQuery = z.input<typeof ImageQuery>;

/** The grid's filter and sort without paging: what editor navigation (D/A, next unreviewed) walks through. */
export const NavQuery = z.object({
  status: z.array(ReviewStatus).optional(),
  categoryId: Id.optional(),
  hasPending: z.boolean().optional(),
  minScore: z.number().min(0).max(1).optional(),
  audit: z.enum(['flagged', 'missing', 'doubtful']).optional(),
  sort: z.enum(['name', 'uncertainty', 'audit']).default('name'),
  /**
   * An explicit order of images to walk instead of the filter and sort (a text search's hits,
   * best first): A/D and "next unreviewed" follow this list. Ids no longer in the project are
   * passed over.
   */
  order: z.array(Id).max(5000).optional(),
});
export type NavQuery = z.input<typeof NavQuery>;

/** What marking an image reviewed does with its pending predictions. */
export const PendingPolicy = z.enum(['accept', 'reject']);
export type PendingPolicy = z.infer<typeof PendingPolicy>;

export const ImagePage = z.object({ total: z.number().int(), items: z.array(ImageSummary) });
export type ImagePage = z.infer<typeof ImagePage>;

export const ImageDetail = z.object({
  image: ImageRecord.extend({ name: z.string() }),
  annotations: z.array(Annotation),
  /** Ids of the previous and next image within the navigation query (the grid's filter and sort), for A/D. */
  prevId: Id.nullable(),
  nextId: Id.nullable(),
  /** The file, checked now: anything but `ok` comes with a message, and the editor disables editing. */
  file: z.object({ state: FileState, message: z.string().nullable() }),
});
export type ImageDetail = z.infer<typeof ImageDetail>;

// ---------- annotation edits (one call per undo step; one transaction) ----------
export const AnnotationPatch = z.object({
  categoryId: Id.optional(),
  bbox: Bbox.optional(),
  rle: Rle.nullable().optional(),
  state: AnnotationState.optional(),
  /** Only undo sets this: an edit of model output otherwise becomes `model-edited` by itself. */
  source: AnnotationSource.optional(),
  /** COCO iscrowd; setting it is not an edit of the geometry (model output stays as it was). */
  iscrowd: z.boolean().optional(),
});
export type AnnotationPatch = z.infer<typeof AnnotationPatch>;

export const AnnotationChange = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('create'),
    /** Set when undo restores a deleted annotation under its old id. */
    id: Id.optional(),
    categoryId: Id,
    bbox: Bbox,
    rle: Rle.nullable().optional(),
    source: AnnotationSource.default('human'),
    state: AnnotationState.default('accepted'),
    predictionId: Id.nullable().optional(),
    score: z.number().nullable().optional(),
    iscrowd: z.boolean().optional(),
  }),
  z.object({ op: z.literal('update'), id: Id, patch: AnnotationPatch }),
  z.object({ op: z.literal('delete'), id: Id }),
]);
export type AnnotationChange = z.input<typeof AnnotationChange>;

export const ApplyChangesResult = z.object({
  annotations: z.array(Annotation),
  /** Ids of created annotations, in the order of the create changes. */
  created: z.array(Id),
  status: ReviewStatus,
});
export type ApplyChangesResult = z.infer<typeof ApplyChangesResult>;

// ---------- categories ----------
export const CategoryWithCount = Category.extend({ annotations: z.number().int(), images: z.number().int() });
export type CategoryWithCount = z.infer<typeof CategoryWithCount>;

// ---------- models ----------
export const PackInfo = z.object({
  id: z.string(),
  kind: PackKind,
  displayName: z.string(),
  license: z.string(),
  licenseNotice: z.string().nullable(),
  fixture: z.boolean(),
  installed: z.boolean(),
  missing: z.array(z.string()),
  sizeBytes: z.number().nullable(),
  source: z.enum(['user', 'bundled']),
});
export type PackInfo = z.infer<typeof PackInfo>;

export const EpInfo = z.object({ provider: ExecutionProvider, reason: z.string().nullable() });
export type EpInfo = z.infer<typeof EpInfo>;

// ---------- jobs ----------
export const JobState = z.enum(['pending', 'running', 'paused', 'cancelled', 'done', 'failed']);
export type JobState = z.infer<typeof JobState>;

export const JobStart = z.object({
  packs: z.array(z.string().min(1)).min(1),
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('unlabeled') }),
    z.object({ kind: z.literal('all') }),
    z.object({ kind: z.literal('images'), imageIds: z.array(Id).min(1) }),
  ]),
  /** Category ids to prompt with; default: every category of the project. */
  categoryIds: z.array(Id).optional(),
  threshold: z.number().min(0).max(1).optional(),
  fuse: z.boolean().default(false),
  overwriteHuman: z.boolean().default(false),
  /**
   * prelabel: detectors/segmenters write predictions and annotations. audit: one uniter pack
   * scores every category's text on each image (audit scores only; annotations are untouched).
   */
  mode: z.enum(['prelabel', 'audit']).default('prelabel'),
  /** With a sam pack beside a detector: where instance masks come from (sam, or GroupViT's class mask cut to the box). */
  masks: z.enum(['sam', 'groupvit']).optional(),
});
export type JobStart = z.input<typeof JobStart>;

export const JobProgress = z.object({
  jobId: Id,
  state: JobState,
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  imagesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  currentFile: z.string().nullable(),
  error: z.string().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobInfo = JobProgress.extend({
  packs: z.array(z.string()),
  mode: z.enum(['prelabel', 'audit']).default('prelabel'),
  createdAt: z.number(),
  /** Detections dropped because their class matches no category (closed-set packs: Pix2seq), per class name. */
  droppedClasses: z.record(z.string(), z.number().int()).default({}),
});
export type JobInfo = z.infer<typeof JobInfo>;

/** One image of a job, with the reason when it failed. */
export const JobItemInfo = z.object({
  imageId: Id,
  name: z.string(),
  state: z.enum(['pending', 'running', 'done', 'failed', 'skipped']),
  error: z.string().nullable(),
});
export type JobItemInfo = z.infer<typeof JobItemInfo>;

// ---------- export and report ----------
export const ExportRequest = z.object({
  path: z.string().min(1),
  format: z.enum(['instances', 'results']).default('instances'),
  segmentation: z.enum(['rle', 'polygon', 'none']).default('rle'),
  reviewedOnly: z.boolean().default(false),
  include: z.enum(['accepted', 'pending']).default('accepted'),
});
export type ExportRequest = z.input<typeof ExportRequest>;

export const ExportSummary = z.object({
  images: z.number().int(),
  annotations: z.number().int(),
  categories: z.number().int(),
  /**
   * Images marked reviewed that still hold pending predictions (possible only in projects
   * from before review meant decided), and one sentence saying what this export does with them.
   */
  reviewedWithPending: z.number().int().default(0),
  reviewedWithPendingNote: z.string().nullable().default(null),
});
export type ExportSummary = z.infer<typeof ExportSummary>;

export const CorrectionRow = z.object({
  categoryId: Id,
  name: z.string(),
  predictions: z.number().int(),
  acceptedUnchanged: z.number().int(),
  edited: z.number().int(),
  /** Mean IoU between the prediction's box and the final box, over edited ones. */
  editedMeanIou: z.number().nullable(),
  rejected: z.number().int(),
  pending: z.number().int(),
  humanAdded: z.number().int(),
  /** UNITER audit flags of this category now: images where it is likely missing, annotations of it doubtful (0 without an audit). */
  auditLikelyMissing: z.number().int().nonnegative().default(0),
  auditDoubtful: z.number().int().nonnegative().default(0),
});
export type CorrectionRow = z.infer<typeof CorrectionRow>;

/** The correction report's figures per model (no humanAdded: people's annotations belong to no model). */
export const ModelCorrectionRow = CorrectionRow.omit({ categoryId: true, name: true, humanAdded: true, auditLikelyMissing: true, auditDoubtful: true }).extend({
  /** The pack whose run made the predictions; null when the prediction rows are gone (model unknown). */
  packId: z.string().nullable(),
});
export type ModelCorrectionRow = z.infer<typeof ModelCorrectionRow>;

export const SessionInfo = z.object({
  project: z.object({ path: z.string(), name: z.string() }).nullable(),
  /** Where the renderer loads pixels: `{id}` is replaced by the image id. */
  imageUrl: z.string(),
  thumbnailUrl: z.string(),
  executionProvider: EpInfo,
  recent: z.array(z.string()),
  /** Which surface serves the renderer: native dialogs (`dialog.pick`) exist only in `electron`. */
  shell: z.enum(['electron', 'browser']).optional(),
  /** Test builds (LABELWRIGHT_TEST_API=1): the renderer exposes its typed test API on `window`. */
  testApi: z.boolean().optional(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/**
 * The project's own settings (stored in the project file). `suggestPack`: the Pix2seq pack
 * that suggests categories for boxes in the editor (null: none); `suggestions`: whether the
 * editor shows them.
 */
export const ProjectSettings = z.object({
  suggestPack: z.string().min(1).nullable().default(null),
  suggestions: z.boolean().default(true),
  /** The sam pack behind the editor's Smart tool (null: the first installed sam pack). */
  samPack: z.string().min(1).nullable().default(null),
});
export type ProjectSettings = z.infer<typeof ProjectSettings>;

// ---------- SAM (click-to-segment) ----------
/** A click in original pixels: label 1 adds the region under it, 0 removes it. */
export const SamPoint = z.object({ x: z.number(), y: z.number(), label: z.union([z.literal(0), z.literal(1)]) });
export type SamPoint = z.infer<typeof SamPoint>;

/** One prompt on one image: clicks, a COCO box, and `previous` (the maskId of the last result on the same object). */
export const SamPrompt = z.object({ points: z.array(SamPoint), box: Bbox.optional(), previous: z.string().min(1).optional() });
export type SamPrompt = z.infer<typeof SamPrompt>;

/** The chosen mask (COCO RLE at the image's size), its box, area and predicted IoU; `maskId` is the next prompt's `previous`. */
export const SamSegmentResult = z.object({
  rle: Rle,
  bbox: Bbox,
  area: z.number().int().nonnegative(),
  score: z.number(),
  maskId: z.string(),
  /** Encoder runs of the warm worker so far: a further prompt on an image already embedded adds none. */
  encoderRuns: z.number().int().nonnegative(),
  embeddingCached: z.boolean(),
});
export type SamSegmentResult = z.infer<typeof SamSegmentResult>;

/** SAM-refined against GroupViT-fused instance masks, per category, from the predictions people reviewed. */
export const MaskSourceRow = z.object({
  categoryId: Id,
  name: z.string(),
  source: z.enum(['sam', 'groupvit']),
  masks: z.number().int(),
  acceptedUnchanged: z.number().int(),
  edited: z.number().int(),
  /** Mean mask IoU between the model's mask and the final mask, over edited ones. */
  editedMeanMaskIou: z.number().nullable(),
  rejected: z.number().int(),
  pending: z.number().int(),
});
export type MaskSourceRow = z.infer<typeof MaskSourceRow>;

// ---------- UNITER: label audit and text search ----------
/**
 * One audit flag: the latest UNITER score of a category's text on an image against that
 * category's audit threshold (rank_logit units). `missing`: scores at or above it with no
 * annotation of the category; `doubtful`: annotated but scores below it. Flags are worked out
 * when read, from the stored scores and the annotations as they are now.
 */
export const AuditFlag = z.object({
  imageId: Id,
  imageName: z.string(),
  categoryId: Id,
  name: z.string(),
  kind: z.enum(['missing', 'doubtful']),
  /** The raw UNITER rank_logit (the score UNITER ranks by). */
  rankLogit: z.number(),
  threshold: z.number(),
  /** How far past the threshold, in logits (rankLogit − threshold for missing, threshold − rankLogit for doubtful): larger is more suspicious. */
  suspicion: z.number(),
  /** Annotations of the category on the image that count (accepted or pending). */
  annotations: z.number().int().nonnegative(),
  packId: z.string(),
  packSha256: z.string(),
  runId: Id,
  scoredAt: z.number(),
});
export type AuditFlag = z.infer<typeof AuditFlag>;

export const AuditCategoryRow = z.object({
  categoryId: Id,
  name: z.string(),
  threshold: z.number(),
  /** category: set for this category; pack: the audit pack manifest's default (params.auditThreshold). */
  thresholdSource: z.enum(['category', 'pack']),
  scoredImages: z.number().int(),
  likelyMissing: z.number().int(),
  doubtful: z.number().int(),
});
export type AuditCategoryRow = z.infer<typeof AuditCategoryRow>;

export const AuditReport = z.object({
  /** Most suspicious first. */
  flags: z.array(AuditFlag),
  categories: z.array(AuditCategoryRow),
  scoredImages: z.number().int(),
});
export type AuditReport = z.infer<typeof AuditReport>;

/** One image's audit: its flags and every category's latest score (null: not scored). */
export const ImageAudit = z.object({
  flags: z.array(AuditFlag),
  scores: z.array(z.object({ categoryId: Id, name: z.string(), rankLogit: z.number().nullable(), threshold: z.number().nullable() })),
});
export type ImageAudit = z.infer<typeof ImageAudit>;

export const SearchHit = z.object({
  imageId: Id,
  name: z.string(),
  /** The raw UNITER rank_logit; `sigmoidOfRankLogit` is the same score read as 0–1. */
  rankLogit: z.number(),
  sigmoidOfRankLogit: z.number(),
});
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchResult = z.object({
  hits: z.array(SearchHit),
  /** Images the search covered (the filter's), and how many of them needed their regions computed (not in the cache). */
  searched: z.number().int(),
  computedRegions: z.number().int(),
  cachedRegions: z.number().int(),
  failed: z.array(z.object({ imageId: Id, name: z.string(), error: z.string() })),
  cancelled: z.boolean(),
});
export type SearchResult = z.infer<typeof SearchResult>;

// ---------- the method table ----------
const m = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

export const api = {
  'session.info': m(Empty, SessionInfo),
  /** Native file dialog (Electron shell only; the browser host answers INVALID_ARGUMENT). `path` is null when cancelled. */
  'dialog.pick': m(
    z.object({ purpose: z.enum(['openProject', 'createProject', 'addFolder', 'importModel', 'exportCoco']) }),
    z.object({ path: z.string().nullable() }),
  ),
  'project.create': m(z.object({ path: z.string().min(1) }), SessionInfo),
  'project.open': m(z.object({ path: z.string().min(1) }), SessionInfo),
  'project.addFolder': m(z.object({ folder: z.string().min(1) }), AddImagesResult),
  'project.stats': m(Empty, ProjectStats),
  'project.settings': m(Empty, ProjectSettings),
  /** Changes the given settings; returns them all. A suggestPack must be an installed pix2seq pack. */
  'project.setSettings': m(
    z.object({ suggestPack: z.string().min(1).nullable().optional(), suggestions: z.boolean().optional(), samPack: z.string().min(1).nullable().optional() }),
    ProjectSettings,
  ),

  'images.query': m(ImageQuery, ImagePage),
  /** `nav`: the grid's current filter and sort; prevId/nextId follow it (default: all images by name). */
  'images.get': m(z.object({ id: Id, nav: NavQuery.optional() }), ImageDetail),
  /**
   * Review means decided: `reviewed` is refused (CONFLICT, details.pending = count) while the
   * image has pending predictions, unless `pending` names what to do with them first.
   */
  'images.setStatus': m(
    z.object({ id: Id, status: ReviewStatus, pending: PendingPolicy.optional() }),
    z.object({ status: ReviewStatus, accepted: z.number().int().default(0), rejected: z.number().int().default(0) }),
  ),
  'images.nextUnreviewed': m(z.object({ after: Id, nav: NavQuery.optional() }), z.object({ id: Id.nullable() })),

  'annotations.apply': m(z.object({ imageId: Id, changes: z.array(AnnotationChange).min(1) }), ApplyChangesResult),

  'categories.list': m(Empty, z.array(CategoryWithCount)),
  'categories.add': m(CategoryInput, Category),
  'categories.update': m(
    z.object({ id: Id, name: z.string().optional(), patch: CategoryInput.pick({ prompt: true, threshold: true, supercategory: true, color: true, hotkey: true }).partial() }),
    Category,
  ),
  'categories.merge': m(z.object({ from: Id, into: Id }), z.object({ moved: z.number().int() })),
  'categories.remove': m(z.object({ id: Id, force: z.boolean().default(false) }), z.object({ annotationsRemoved: z.number().int() })),

  'models.list': m(Empty, z.object({ packs: z.array(PackInfo), executionProvider: EpInfo })),
  'models.download': m(z.object({ id: z.string(), acceptLicense: z.boolean().default(false) }), PackInfo),
  'models.verify': m(z.object({ id: z.string() }), z.array(z.object({ role: z.string(), ok: z.boolean(), reason: z.string().optional() }))),
  'models.import': m(z.object({ folder: z.string().min(1) }), PackInfo),
  'models.remove': m(z.object({ id: z.string() }), z.object({ removed: z.boolean() })),
  /** Categories ranked for a box drawn on an image (a pix2seq pack), most probable first; runs in the inference worker. */
  'models.suggest': m(
    z.object({ pack: z.string().min(1), imageId: Id, box: Bbox, categoryIds: z.array(Id).optional() }),
    z.array(z.object({ categoryId: Id, name: z.string(), probability: z.number().min(0).max(1) })),
  ),
  /** The mask a sam pack gives for clicks and/or a box on an image (the editor's Smart tool); runs in a warm inference worker. */
  'sam.segment': m(SamPrompt.extend({ pack: z.string().min(1), imageId: Id }), SamSegmentResult),
  /** Computes (or finds cached) the image's embedding before the first click, so the Smart tool can show progress. */
  'sam.prepare': m(
    z.object({ pack: z.string().min(1), imageId: Id }),
    z.object({ embeddingCached: z.boolean(), encoderRuns: z.number().int().nonnegative(), ms: z.number() }),
  ),

  /**
   * The project's audit flags, most suspicious first, with per-category counts and thresholds.
   * `limit` keeps the first flags only (the counts stay whole); 0: the counts alone, for a
   * screen that shows no list (a big project has hundreds of thousands of flags).
   */
  'audit.report': m(z.object({ limit: z.number().int().nonnegative().optional() }).strict(), AuditReport),
  'audit.image': m(z.object({ imageId: Id }), ImageAudit),
  /** A category's audit threshold in rank_logit units; null returns it to the pack's default. */
  'audit.setThreshold': m(z.object({ categoryId: Id, threshold: z.number().finite().nullable() }), AuditCategoryRow),

  /** Ranks the images of the grid's current filter by how well `text` matches them (a uniter pack); progress comes as `search.progress`. */
  'search.run': m(
    z.object({ searchId: z.string().min(1).max(100), pack: z.string().min(1), text: z.string().trim().min(1).max(1000), nav: NavQuery.optional(), limit: z.number().int().positive().max(5000).default(100) }),
    SearchResult,
  ),
  /** Stops a running search after the image in flight; `search.run` then answers with what it ranked so far and `cancelled: true`. */
  'search.cancel': m(z.object({ searchId: z.string().min(1) }), z.object({ cancelled: z.boolean() })),

  'jobs.start': m(JobStart, JobInfo),
  'jobs.list': m(Empty, z.array(JobInfo)),
  'jobs.pause': m(z.object({ jobId: Id }), JobInfo),
  'jobs.resume': m(z.object({ jobId: Id }), JobInfo),
  'jobs.cancel': m(z.object({ jobId: Id }), JobInfo),
  'jobs.retry': m(z.object({ jobId: Id }), JobInfo),
  /** A job's images in one state (default: failed), each with its reason. */
  'jobs.items': m(z.object({ jobId: Id, state: JobItemInfo.shape.state.default('failed') }), z.array(JobItemInfo)),

  'export.preview': m(ExportRequest.omit({ path: true }), ExportSummary),
  'export.coco': m(ExportRequest, ExportSummary.extend({ path: z.string(), bytes: z.number() })),

  'report.corrections': m(Empty, z.array(CorrectionRow)),
  'report.correctionsByModel': m(Empty, z.array(ModelCorrectionRow)),
  'report.maskSources': m(Empty, z.array(MaskSourceRow)),
} as const;

export type Api = typeof api;
export type Method = keyof Api;
export type Params<M extends Method> = z.input<Api[M]['input']>;
export type Result<M extends Method> = z.output<Api[M]['output']>;

export const events = {
  'project.addProgress': z.object({ done: z.number().int(), total: z.number().int(), path: z.string() }),
  'jobs.progress': JobProgress,
  'models.downloadProgress': z.object({ id: z.string(), file: z.string(), bytes: z.number(), total: z.number().nullable() }),
  /** Images whose status or annotations changed; empty `ids`: many changed (folder added, merge): reload. */
  'images.changed': z.object({ ids: z.array(Id) }),
  'search.progress': z.object({ searchId: z.string(), done: z.number().int(), total: z.number().int() }),
  /** A project was opened or created (also from the app menu): reload everything. */
  'session.changed': SessionInfo,
  /** An app-menu item the renderer performs (Electron): undo, redo, accept, next image, ... */
  'app.command': z.object({ command: z.string() }),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

// ---------- the wire ----------
export const RpcRequest = z.object({ type: z.literal('request'), id: z.number().int(), method: z.string(), params: z.unknown() });
export type RpcRequest = z.infer<typeof RpcRequest>;
export const RpcResponse = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(false), error: ErrorPayload }),
]);
export type RpcResponse = z.infer<typeof RpcResponse>;
export const RpcEvent = z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() });
export type RpcEvent = z.infer<typeof RpcEvent>;
export const RpcMessage = z.union([RpcRequest, RpcResponse, RpcEvent]);
export type RpcMessage = z.infer<typeof RpcMessage>;
