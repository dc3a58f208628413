import { createHash } from 'node:crypto';
import { JobStart as JobStartSchema, type JobStart } from '../shared/api';
import { LwError } from '../shared/errors';
import { findPack, packSha256 } from '../inference/packs/index';
import { notADetector } from '../inference/uniter/adapter';
import { checkSamPacks } from '../inference/sam/box-to-mask';
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
  const categories = categoriesFor(project, req.categoryIds);
  const packs = await Promise.all(
    req.packs.map(async (id) => {
      const pack = await findPack(id);
      if (pack.manifest.kind === 'uniter') throw notADetector(pack.manifest.id);
      return { id: pack.manifest.id, kind: pack.manifest.kind, sha256: await packSha256(pack) };
    }),
  );
  checkSamPacks(packs.map((p) => p.kind));
  const targetText = opts.glob ?? (req.target.kind === 'images' ? `${req.target.imageIds.length} image(s)` : req.target.kind);
  const signature = createHash('sha256')
    .update(JSON.stringify({ packs, categories, threshold: req.threshold ?? null, fuse: req.fuse, overwriteHuman: req.overwriteHuman, target: targetText }))
    .digest('hex');
  return {
    signature,
    draft: { packs, categories, threshold: req.threshold ?? null, fuse: req.fuse, overwriteHuman: req.overwriteHuman, target: targetText, signature },
    target: req.target,
    glob: opts.glob,
  };
}

/** Creates the described job, or with `resumeSame` finds the unfinished job of the same request. */
export function createPlannedJob(project: ProjectService, d: JobDescription, opts: Pick<PlanOptions, 'resumeSame'> = {}): { jobId: number; resumed: boolean } {
  if (opts.resumeSame) {
    const existing = findResumable(project.pdb, d.signature);
    if (existing !== null) return { jobId: existing, resumed: true };
  }
  const imageIds = selectImages(project.pdb, d.target, d.glob);
  return { jobId: createJob(project.pdb, d.draft, imageIds, opts.resumeSame), resumed: false };
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
