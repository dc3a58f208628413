import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LwError } from '../shared/errors';
import type { AdapterCategory } from '../inference/types';
import { JobParams } from './job-params';

/**
 * A work bundle: the job as it leaves the project (manifest.json) and its images split
 * into shard lists (shards/shard-NNNN.json), each image named by its content hash and its
 * path under the bundle's image root. Workers need nothing else of the project.
 *
 *   <bundle>/manifest.json
 *   <bundle>/shards/shard-0000.json …
 *   <bundle>/results/shard-0000.sqlite …   (written by `labelwright work`)
 */
export const BUNDLE_SCHEMA_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

export const BundleManifest = z.object({
  schemaVersion: z.literal(BUNDLE_SCHEMA_VERSION),
  jobId: z.number().int(),
  signature: z.string(),
  packs: z.array(JobParams.shape.packs.element.omit({ runId: true })),
  categories: JobParams.shape.categories,
  threshold: z.number().nullable(),
  fuse: z.boolean(),
  overwriteHuman: z.boolean(),
  /** What the job does (JobParams.mode): a worker runs the packs the same way; the merge commits by it. */
  mode: JobParams.shape.mode,
  /** Where the boxes' instance masks come from (JobParams.masks): workers run every pack alike; the merge commits by it. */
  masks: JobParams.shape.masks,
  target: z.string(),
  /** The common folder of the bundled images when bundled; `work --images-root` says where it is on the worker. */
  imagesRoot: z.string(),
  shards: z.number().int().positive(),
  images: z.number().int().nonnegative(),
  /** Informative: where the project was. */
  project: z.string(),
  createdAt: z.number(),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

export const ShardList = z.object({
  shard: z.number().int().nonnegative(),
  /** `path` is relative to the image root, with forward slashes. */
  images: z.array(z.object({ hash: z.string(), path: z.string() })),
});
export type ShardList = z.infer<typeof ShardList>;

export const shardListPath = (dir: string, shard: number) => join(dir, 'shards', `shard-${pad(shard)}.json`);
export const shardResultsName = (shard: number) => `shard-${pad(shard)}.sqlite`;
const pad = (n: number) => String(n).padStart(4, '0');

export function readManifest(dir: string): BundleManifest {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) throw new LwError('NOT_FOUND', `${dir} is not a work bundle (it has no ${MANIFEST_FILE})`, 'Make one with `labelwright bundle <project> … --out <dir>`.');
  return parseJson(file, BundleManifest);
}

export function readShardList(dir: string, shard: number): ShardList {
  const file = shardListPath(dir, shard);
  if (!existsSync(file)) throw new LwError('NOT_FOUND', `The bundle has no shard list ${file}`, 'Copy the whole bundle folder to the worker.');
  const list = parseJson(file, ShardList);
  if (list.shard !== shard) throw new LwError('INVALID_ARGUMENT', `${file} is the list of shard ${list.shard}, not ${shard}`);
  return list;
}

function parseJson<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new LwError('INVALID_ARGUMENT', `${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, 'Copy the bundle again from where `labelwright bundle` wrote it.');
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new LwError('INVALID_ARGUMENT', `${file} is not a bundle file of this version: ${issue.path.join('.') || '(root)'}: ${issue.message}`, 'Make the bundle again with this Labelwright version.');
  }
  return r.data;
}

/**
 * What a run of the job depends on, in one canonical shape: a shard file records it, and
 * merge compares it with the job in the project. Built from a manifest or from the job's
 * own parameters (whose packs also carry run ids, left out).
 */
export function runIdentity(p: Pick<BundleManifest, 'jobId' | 'signature' | 'packs' | 'categories' | 'threshold' | 'fuse' | 'overwriteHuman' | 'masks'>) {
  return {
    jobId: String(p.jobId),
    signature: p.signature,
    packs: JSON.stringify(p.packs.map((k) => ({ id: k.id, kind: k.kind, sha256: k.sha256 }))),
    // The mask source only when the job recorded one, so shards worked before it existed still merge.
    parameters: JSON.stringify({ categories: p.categories, threshold: p.threshold, fuse: p.fuse, overwriteHuman: p.overwriteHuman, ...(p.masks != null ? { masks: p.masks } : {}) }),
  };
}
export type RunIdentity = ReturnType<typeof runIdentity>;

/** The categories as the adapters take them: a category's own threshold, else the job's. */
export function adapterCategories(p: Pick<JobParams, 'categories' | 'threshold'>): AdapterCategory[] {
  return p.categories.map((c) => ({ id: c.id, name: c.name, prompt: c.prompt, threshold: c.threshold ?? p.threshold ?? null }));
}
