import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LwError } from '../shared/errors';
import { findPack, packSha256, sha256File } from '../inference/packs/index';
import { createWorkerEngine } from '../inference/worker/worker-engine';
import type { AdapterCategory } from '../inference/types';
import { ShardResultsWriter } from '../db/shard-results-file';
import { adapterCategories, readManifest, readShardList, runIdentity, shardResultsName, type BundleManifest, type ShardList } from './bundle-manifest';
import { DEFAULT_PREFETCH, type JobEngine } from './runner';
import { runPacks } from '../inference/sam/box-to-mask';

export interface WorkOptions {
  /** The bundle folder. */
  dir: string;
  /** Which shard; default: JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's pod index). */
  shard?: number;
  /** Where the bundle's image root is on this machine; default: where it was when bundled. */
  imagesRoot?: string;
  /** Results folder; default <dir>/results. */
  out?: string;
  prefetch?: number;
}

export interface WorkProgress {
  shard: number;
  /** Images of the shard in all. */
  total: number;
  /** Outcomes recorded, by earlier runs of this shard included. */
  done: number;
  failed: number;
  current: string | null;
}

export interface WorkSummary extends WorkProgress {
  file: string;
  /** Outcomes an earlier (killed or paused) run of this shard had recorded already. */
  resumedFrom: number;
  state: 'done' | 'paused';
  failures: { path: string; error: string }[];
}

type Engine = JobEngine & { close(): Promise<void> };
type Item = ShardList['images'][number];
type Prepared = { ok: true; handles: unknown[] } | { ok: false; error: string };

/**
 * Runs one shard of a bundle: the packs must be the bundle's (sha256), each image must be
 * the one bundled (content hash), and the models run as in `prelabel` (the same worker
 * engines, the next images decoded while the model runs). Each outcome commits to the
 * shard's own results file by itself, so a killed worker started again goes on where it
 * stopped.
 */
export class ShardWorker {
  private stop = false;

  constructor(private readonly opts: WorkOptions) {}

  /** Finishes the image in flight, then stops (its outcomes so far are kept). */
  requestStop(): void {
    this.stop = true;
  }

  async run(onProgress: (p: WorkProgress) => void = () => {}): Promise<WorkSummary> {
    const dir = resolve(this.opts.dir);
    const manifest = readManifest(dir);
    const shard = shardIndex(this.opts.shard, manifest);
    const list = readShardList(dir, shard);
    const root = resolve(this.opts.imagesRoot ?? manifest.imagesRoot);
    const packDirs = await checkPacks(manifest);

    const outDir = resolve(this.opts.out ?? join(dir, 'results'));
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, shardResultsName(shard));
    const writer = ShardResultsWriter.open(file, { ...runIdentity(manifest), shard: String(shard), shards: String(manifest.shards) });
    const engines: Engine[] = [];
    try {
      const recorded = writer.recordedHashes();
      const todo = list.images.filter((it) => !recorded.has(it.hash));
      const progress: WorkProgress = { shard, total: list.images.length, done: recorded.size, failed: 0, current: null };
      const failures: WorkSummary['failures'] = [];
      if (todo.length) for (const d of packDirs) engines.push(await createWorkerEngine({ pack: d }));
      const categories = adapterCategories(manifest);
      const record = (it: Item, r: { ok: true; json: string } | { ok: false; error: string }) => {
        writer.record(r.ok ? { hash: it.hash, path: it.path, state: 'done', resultsJson: r.json } : { hash: it.hash, path: it.path, state: 'failed', error: r.error });
        progress.done++;
        if (!r.ok) {
          progress.failed++;
          failures.push({ path: it.path, error: r.error });
        }
      };
      await this.runItems(todo, root, engines, categories, record, (current) => onProgress({ ...progress, current }));
      onProgress({ ...progress, current: null });
      return { ...progress, current: null, file, resumedFrom: recorded.size, state: progress.done >= progress.total ? 'done' : 'paused', failures };
    } finally {
      await Promise.all(engines.map((e) => e.close()));
      writer.close();
    }
  }

  /** A bounded queue of decoded images ahead of the model, as in runner.ts. */
  private async runItems(
    items: Item[],
    root: string,
    engines: Engine[],
    categories: AdapterCategory[],
    record: (it: Item, r: { ok: true; json: string } | { ok: false; error: string }) => void,
    tick: (current: string) => void,
  ): Promise<void> {
    const depth = Math.max(1, this.opts.prefetch ?? DEFAULT_PREFETCH);
    const queue: { item: Item; prepared: Promise<Prepared> }[] = [];
    let next = 0;
    const fill = () => {
      while (queue.length < depth && next < items.length) {
        const item = items[next++];
        queue.push({ item, prepared: checkThenPrepare(join(root, item.path), item.hash, engines) });
      }
    };
    fill();
    try {
      while (queue.length && !this.stop) {
        const { item, prepared } = queue.shift()!;
        fill();
        tick(item.path);
        const p = await prepared;
        if (!p.ok) {
          record(item, p);
          continue;
        }
        let outcome: { ok: true; json: string } | { ok: false; error: string };
        try {
          const results = await runPacks(engines, p.handles, categories);
          outcome = { ok: true, json: JSON.stringify(results) };
        } catch (e) {
          outcome = { ok: false, error: errorText(e) };
        }
        record(item, outcome);
      }
    } finally {
      // Images decoded ahead but not run are released; they stay to do.
      for (const q of queue.splice(0)) {
        const p = await q.prepared;
        if (p.ok) await Promise.all(p.handles.map((h, k) => engines[k].release?.(h)));
      }
    }
  }
}

function shardIndex(flag: number | undefined, manifest: BundleManifest): number {
  const env = process.env.JOB_COMPLETION_INDEX;
  const raw = flag ?? (env === undefined || env === '' ? undefined : Number(env));
  if (raw === undefined)
    throw new LwError('INVALID_ARGUMENT', 'No shard given: pass --shard <i>, or set JOB_COMPLETION_INDEX (a Kubernetes Indexed Job sets it)');
  if (!Number.isInteger(raw) || raw < 0 || raw >= manifest.shards)
    throw new LwError('INVALID_ARGUMENT', `Shard ${flag ?? env} is not one of this bundle's shards (0 to ${manifest.shards - 1})`);
  return raw;
}

/**
 * Every pack must be installed here with the content the bundle was made with; a worker
 * with other weights would produce results the merge has to refuse, so it refuses first.
 */
async function checkPacks(manifest: BundleManifest): Promise<string[]> {
  const dirs: string[] = [];
  for (const want of manifest.packs) {
    const pack = await findPack(want.id);
    const sha = await packSha256(pack);
    if (sha !== want.sha256 || pack.manifest.kind !== want.kind)
      throw new LwError(
        'MODEL_PACK_INVALID',
        `Model pack "${want.id}" on this machine (${pack.dir}) is not the one the bundle was made with: sha256 ${sha}, the bundle says ${want.sha256}`,
        `Install the same pack here (\`labelwright models verify ${want.id}\` shows what is installed), or make the bundle again with the pack the workers have.`,
      );
    dirs.push(pack.dir);
  }
  return dirs;
}

/** The file must be the one bundled (content hash); then every pack prepares it. */
async function checkThenPrepare(file: string, hash: string, engines: Engine[]): Promise<Prepared> {
  try {
    if (!statSync(file, { throwIfNoEntry: false })?.isFile())
      return { ok: false, error: `The image file is missing: ${file}. Check --images-root: the bundle's paths are relative to it.` };
    if ((await sha256File(file)) !== hash)
      return { ok: false, error: `The image file at ${file} is not the one that was bundled (its content hash differs). Check --images-root, or make the bundle again.` };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
  const settled = await Promise.allSettled(engines.map((e) => e.prepare(file)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(settled.map((s, k) => (s.status === 'fulfilled' ? engines[k].release?.(s.value) : undefined)));
    return { ok: false, error: errorText(failed.reason) };
  }
  return { ok: true, handles: settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) };
}

function errorText(e: unknown): string {
  if (e instanceof LwError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}
