import { createHash } from 'node:crypto';
import { JobStart as JobStartSchema, type JobStart } from '../shared/api';
import { LwError } from '../shared/errors';
import type { PackManifest } from '../shared/contract';
import { findPack, packSha256 } from '../inference/packs/index';
import { notADetector } from '../inference/uniter/adapter';
import { checkSamPacks } from '../inference/sam/box-to-mask';
import { chooseInstanceMasks, legacyInstanceMasks } from '../services/instance-masks';
import type { ProjectService } from '../services/project-service';
import { createJob, findResumable } from './job-store';
import { selectImages } from './select-images';

export interface PlanOptions {
  /** Resume the unfinished job that the same request created, instead of starting anew (the CLI's behaviour). */
  resumeSame?: boolean;
  /** A glob over image paths, when the target is a subset by name. */
  glob?: string;
}

/** A request resolved to the job it would create: its signature and its row, nothing written yet. */
export interface JobDescription {
  signature: string;
  draft: Parameters<typeof createJob>[1];
  target: JobStart['target'];
  glob?: string;
  /** Added to the params_json of the job's runs (an audit's default threshold). */
  runParams?: Record<string, unknown>;
}

/**
 * Turns a request into a job row without running it: packs with their sha256, the
 * categories' prompts and thresholds, the images, and the signature that makes "the same
 * command" resume. `prelabel` runs what this plans; `bundle` ships it to other machines.
 */
export async function planJob(project: ProjectService, raw: JobStart, opts: PlanOptions = {}): Promise<{ jobId: number; resumed: boolean }> {
  return createPlannedJob(project, await describeJob(project, raw, opts), opts);
}

/**
 * The job a request would create, without creating it: a caller that may still refuse
 * the request (bundle, for its --out folder) decides before any row is written.
 */
export async function describeJob(project: ProjectService, raw: JobStart, opts: Pick<PlanOptions, 'glob'> = {}): Promise<JobDescription> {
  const req = JobStartSchema.parse(raw);
  const audit = req.mode === 'audit';
  if (audit) checkAuditRequest(req.packs);
  const categories = categoriesFor(project, req.categoryIds);
  let auditThreshold: number | undefined;
  const packs = await Promise.all(
    req.packs.map(async (id) => {
      const pack = await findPack(id);
      if (audit) auditThreshold = auditPackThreshold(pack.manifest);
      else if (pack.manifest.kind === 'uniter') throw notADetector(pack.manifest.id);
      return { id: pack.manifest.id, kind: pack.manifest.kind, sha256: await packSha256(pack) };
    }),
  );
  if (!audit) checkSamPacks(packs.map((p) => p.kind));
  const kinds = packs.map((p) => p.kind);
  const masks = audit ? null : chooseInstanceMasks(kinds, req.fuse, req.masks);
  // `--masks groupvit` is `--fuse`: recorded as one, so both spellings make the same job.
  const fuse = req.fuse || masks === 'groupvit';
  // An audit scores; detection options mean nothing to it and do not make another job.
  const options = audit ? { threshold: null, fuse: false, overwriteHuman: false } : { threshold: req.threshold ?? null, fuse, overwriteHuman: req.overwriteHuman };
  // The mask source joins the signature only where it differs from what the same packs and
  // --fuse did before --masks existed, so those jobs still resume (and `--masks sam` beside a
  // sam pack is the same command as no --masks).
  const masksSig = !audit && masks !== legacyInstanceMasks(kinds, fuse) ? { masks } : {};
  const targetText = opts.glob ?? (req.target.kind === 'images' ? `${req.target.imageIds.length} image(s)` : req.target.kind);
  // The mode joins the signature only for audits, so pre-labeling jobs made before audits existed still resume.
  const signature = createHash('sha256')
    .update(JSON.stringify({ packs, categories, ...options, target: targetText, ...(audit ? { mode: req.mode } : {}), ...masksSig }))
    .digest('hex');
  return {
    signature,
    draft: { packs, categories, ...options, target: targetText, signature, mode: req.mode, masks },
    target: req.target,
    glob: opts.glob,
    ...(auditThreshold !== undefined ? { runParams: { auditThreshold } } : {}),
  };
}

/** The audit's pack rules (one pack, a uniter one, a valid auditThreshold), for a caller that checks before it changes the project (the CLI creates categories). */
export async function checkAuditPacks(packs: string[]): Promise<void> {
  checkAuditRequest(packs);
  auditPackThreshold((await findPack(packs[0])).manifest);
}

/** An audit runs exactly one pack, of kind uniter (checked for its kind once the pack is found: auditPackThreshold). */
function checkAuditRequest(packs: string[]): void {
  if (packs.length !== 1)
    throw new LwError('INVALID_ARGUMENT', `An audit runs one uniter pack; ${packs.length} were given`, 'Pass one --pack, e.g. `labelwright audit <project> --pack uniter-fixture`.');
}

/**
 * The audit's default threshold from a uniter pack's manifest (`params.auditThreshold`, in
 * rank_logit units), 0 (sigmoid 0.5) when it gives none; refuses a pack of another kind.
 */
function auditPackThreshold(manifest: PackManifest): number {
  if (manifest.kind !== 'uniter')
    throw new LwError(
      'INVALID_ARGUMENT',
      `${manifest.id} is a ${manifest.kind} pack: an audit scores each category's text against the image with a uniter pack`,
      'Pass a uniter pack to --pack (`labelwright models list` shows the installed packs); pre-label with `labelwright prelabel` instead.',
    );
  const t = manifest.params.auditThreshold;
  if (t === undefined) return 0;
  if (typeof t !== 'number' || !Number.isFinite(t))
    throw new LwError('MODEL_PACK_INVALID', `${manifest.id}: params.auditThreshold must be a number (rank_logit units), got ${JSON.stringify(t)}`, 'Fix the pack’s pack.json (docs/models/uniter.md).');
  return t;
}

/** Creates the described job, or with `resumeSame` finds the unfinished job of the same request. */
export function createPlannedJob(project: ProjectService, d: JobDescription, opts: Pick<PlanOptions, 'resumeSame'> = {}): { jobId: number; resumed: boolean } {
  if (opts.resumeSame) {
    const existing = findResumable(project.pdb, d.signature);
    if (existing !== null) return { jobId: existing, resumed: true };
  }
  const imageIds = selectImages(project.pdb, d.target, d.glob);
  return { jobId: createJob(project.pdb, d.draft, imageIds, opts.resumeSame, d.runParams), resumed: false };
}

function categoriesFor(project: ProjectService, ids: number[] | undefined) {
  const all = project.listCategories();
  const chosen = ids ? ids.map((id) => all.find((c) => c.id === id) ?? missingCategory(id)) : all;
  if (!chosen.length) throw new LwError('INVALID_ARGUMENT', 'No categories to prompt the models with', 'Add categories first, e.g. `labelwright categories <project> add person,car`.');
  return chosen.map((c) => ({ id: c.id, name: c.name, prompt: c.prompt, threshold: c.threshold }));
}

function missingCategory(id: number): never {
  throw new LwError('NOT_FOUND', `No category with id ${id}`);
}
