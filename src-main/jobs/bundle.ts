import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { JobStart } from '../shared/api';
import { LwError } from '../shared/errors';
import { imageFile } from '../db/images-table';
import type { ProjectService } from '../services/project-service';
import { BUNDLE_SCHEMA_VERSION, MANIFEST_FILE, readManifest, shardListPath, type BundleManifest, type ShardList } from './bundle-manifest';
import { findResumable, getJob, pendingItems } from './job-store';
import { createPlannedJob, describeJob } from './plan-job';
import { leavesEditedImages } from './job-params';

export interface BundleOptions {
  shards: number;
  out: string;
  glob?: string;
}

export interface BundleResult {
  manifest: BundleManifest;
  out: string;
  /** The job was already in the project (the same command planned it before), not created now. */
  resumed: boolean;
  /** The folder already held this job's bundle, which was kept as it is. */
  existing: boolean;
  /** Pending images left out because a person edited them (prelabel skips them the same way). */
  leftOut: number;
}

/**
 * Plans the job in the project exactly as `prelabel` would (same request, same signature,
 * so running `prelabel` with the same arguments resumes it) and writes its pending images
 * out as a work bundle of `shards` shard lists. Images a person edited are left out unless
 * the job overwrites their work: `prelabel` would skip them before decoding.
 */
export async function createBundle(project: ProjectService, request: JobStart, opts: BundleOptions): Promise<BundleResult> {
  if (!Number.isInteger(opts.shards) || opts.shards < 1) throw new LwError('INVALID_ARGUMENT', `--shards must be a positive whole number, got ${opts.shards}`);
  const out = resolve(opts.out);
  const previous = existingBundle(out);
  // The --out folder is judged against the job the request describes before that job is
  // created: a refused bundle leaves the project as it was.
  const described = await describeJob(project, request, { glob: opts.glob });
  if (previous) {
    const sameJob = previous.signature === described.signature && findResumable(project.pdb, described.signature) === previous.jobId;
    if (sameJob && previous.shards === opts.shards) return { manifest: previous, out, resumed: true, existing: true, leftOut: 0 };
    throw new LwError(
      'CONFLICT',
      `${out} already holds the bundle of another job (job ${previous.jobId}, ${previous.shards} shard(s))`,
      'Pass an empty or new folder to --out.',
    );
  }
  const { jobId, resumed } = createPlannedJob(project, described, { resumeSame: true });
  const job = getJob(project.pdb, jobId);

  const pending = pendingItems(project.pdb, jobId);
  const items = pending.filter((it) => !it.humanTouched || !leavesEditedImages(job.params));
  const root = commonFolder(items.map((it) => it.path)) ?? dirname(project.pdb.path);
  const lists: ShardList[] = Array.from({ length: opts.shards }, (_, shard) => ({ shard, images: [] }));
  // Round robin over path order: neighbouring images (often one camera's burst) spread
  // over the shards, so shards take about the same time.
  items.forEach((it, k) => {
    const hash = imageFile(project.pdb, it.imageId)!.hash;
    lists[k % opts.shards].images.push({ hash, path: relative(root, it.path).split(sep).join('/') });
  });

  const p = job.params;
  const manifest: BundleManifest = {
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    jobId,
    signature: p.signature,
    packs: p.packs.map(({ id, kind, sha256 }) => ({ id, kind, sha256 })),
    categories: p.categories,
    threshold: p.threshold,
    fuse: p.fuse,
    overwriteHuman: p.overwriteHuman,
    mode: p.mode,
    masks: p.masks ?? null,
    target: p.target,
    imagesRoot: root,
    shards: opts.shards,
    images: items.length,
    project: project.pdb.path,
    createdAt: Date.now(),
  };
  mkdirSync(join(out, 'shards'), { recursive: true });
  for (const list of lists) writeAtomic(shardListPath(out, list.shard), JSON.stringify(list));
  // The manifest last: a folder with a manifest is a complete bundle.
  writeAtomic(join(out, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  return { manifest, out, resumed, existing: false, leftOut: pending.length - items.length };
}

/** The manifest of the bundle already in `out`; null when `out` is absent or empty; refuses any other content. */
function existingBundle(out: string): BundleManifest | null {
  if (!existsSync(out)) return null;
  let entries: string[];
  try {
    entries = readdirSync(out);
  } catch {
    throw new LwError('INVALID_ARGUMENT', `--out ${out} is not a folder`);
  }
  if (!entries.length) return null;
  if (!entries.includes(MANIFEST_FILE))
    throw new LwError('CONFLICT', `${out} is not empty and holds no bundle`, 'Pass an empty or new folder to --out.');
  return readManifest(out);
}

/** The deepest folder that holds every path; null for no paths or none in common (other drives). */
function commonFolder(paths: string[]): string | null {
  if (!paths.length) return null;
  let parts = dirname(paths[0]).split(sep);
  for (const p of paths) {
    const q = dirname(p).split(sep);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  const root = parts.join(sep);
  return root === '' ? (paths[0].startsWith(sep) ? sep : null) : root;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
