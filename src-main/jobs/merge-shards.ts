import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { LwError } from '../shared/errors';
import { isWriteFailure } from '../db/project-db';
import { humanTouchedAt, imageByHash, imageById } from '../db/images-table';
import { itemClaim, jobItemsByState, setItemState } from '../db/jobs-table';
import { ShardResultsReader, type ShardMeta } from '../db/shard-results-file';
import { PredictionResult } from '../inference/types';
import type { ProjectService } from '../services/project-service';
import { readManifest, runIdentity, type RunIdentity } from './bundle-manifest';
import { commitImage } from './commit-image';
import { leavesEditedImages } from './job-params';
import { getJob, itemCounts, pendingItems, setJobState, type ItemCounts, type PendingItem } from './job-store';

export interface ShardMergeReport {
  file: string;
  /** Outcomes the file held when it was read. */
  read: number;
  /** Images whose results were written into the project now. */
  imported: number;
  /** Failed images of the shard that became failed items now. */
  failed: number;
  /** Images that already had an outcome in the project (merged before, or done locally): left as they are. */
  already: number;
  /** Images a local worker holds right now: left to it. */
  held: number;
  /** Images a person edited since bundling: left pending (`prelabel` skips them). */
  edited: number;
  /** Why the whole file was refused, when it was run for something else. */
  refused?: string;
}

export interface MergeReport {
  jobId: number;
  /** What the job does: the command that finishes it locally is `prelabel` or `audit`. */
  mode: 'prelabel' | 'audit';
  shards: ShardMergeReport[];
  counts: ItemCounts;
}

const Results = z.array(PredictionResult);
const RESULTS_FILE = /^shard-\d+\.sqlite$/;

/**
 * Imports the results files of a bundle into the project, one transaction per file. It is
 * idempotent: an image is written only while its item is pending and unclaimed (or failed),
 * so merging twice, or merging a file a worker is still writing and then again, never
 * duplicates anything, and images done locally meanwhile are not overwritten. A file run
 * with other packs, parameters or for another job is refused whole.
 */
export function mergeShards(project: ProjectService, dir: string): MergeReport {
  const bundle = resolve(dir);
  const manifest = readManifest(bundle);
  const pdb = project.pdb;
  const job = getJob(pdb, manifest.jobId);
  if (job.params.signature !== manifest.signature)
    throw new LwError(
      'CONFLICT',
      `The bundle in ${bundle} is for job ${manifest.jobId} of another project (or of another command): its signature differs from this project's job ${manifest.jobId}`,
      'Merge it into the project it was made from (the manifest names it).',
    );
  const expected = runIdentity({ ...job.params, jobId: job.id });
  const resultsDir = join(bundle, 'results');
  const files = existsSync(resultsDir) ? readdirSync(resultsDir).filter((f) => RESULTS_FILE.test(f)).sort() : [];
  const shards = files.map((f) => mergeFile(project, job, expected, join(resultsDir, f)));

  const counts = itemCounts(pdb, job.id);
  // Every item has its outcome: the job is done. Otherwise it stays as it was, and
  // `prelabel` with the same arguments (or more merges) finishes it.
  if (counts.pending === 0 && counts.running === 0 && job.state !== 'done') setJobState(pdb, job.id, 'done');
  return { jobId: job.id, mode: job.params.mode ?? 'prelabel', shards, counts };
}

function mergeFile(project: ProjectService, job: ReturnType<typeof getJob>, expected: RunIdentity, file: string): ShardMergeReport {
  const report: ShardMergeReport = { file, read: 0, imported: 0, failed: 0, already: 0, held: 0, edited: 0 };
  const reader = ShardResultsReader.open(file);
  if (!reader) return report;
  try {
    const refusal = mismatch(file, reader.meta(), expected);
    if (refusal) return { ...report, refused: refusal };
    report.read = reader.count();
    const pdb = project.pdb;
    pdb.tx(() => {
      const pending = new Map<number, PendingItem>(pendingItems(pdb, job.id).map((it) => [it.imageId, it]));
      // A failed item may still take results from elsewhere (a worker with the file where this machine had none).
      const failedHere = new Set(jobItemsByState(pdb, job.id, 'failed').map((r) => r.imageId));
      for (const row of reader.items()) {
        const imageId = imageByHash(pdb, row.hash)?.id;
        const item = imageId === undefined ? undefined : (pending.get(imageId) ?? (row.state === 'done' && failedHere.has(imageId) ? failedItem(project, imageId) : undefined));
        if (!item) {
          report.already++;
          continue;
        }
        if (item.humanTouched && leavesEditedImages(job.params)) {
          report.edited++;
          continue;
        }
        const failure = row.state === 'failed' ? (row.error ?? 'failed on the worker') : null;
        if (failure === null) {
          try {
            const results = parseResults(reader.resultsJson(row.seq));
            if (results.length !== job.params.packs.length) throw new Error(`the worker recorded ${results.length} model result(s) for ${job.params.packs.length} pack(s)`);
            const outcome = commitImage(pdb, job.id, job.params, item, results, null);
            if (outcome.state === 'refused') report.held++;
            else report.imported++;
            continue;
          } catch (e) {
            if (isWriteFailure(e)) throw e;
            markFailed(project, job.id, item.imageId, `${errorText(e)} (results of ${file})`, report);
            continue;
          }
        }
        markFailed(project, job.id, item.imageId, failure, report);
      }
    });
    return report;
  } finally {
    reader.close();
  }
}

function failedItem(project: ProjectService, imageId: number): PendingItem {
  const img = imageById(project.pdb, imageId)!;
  return { imageId, path: img.path, width: img.width, height: img.height, humanTouched: humanTouchedAt(project.pdb, imageId) !== null };
}

function parseResults(json: string | null): PredictionResult[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json ?? 'null');
  } catch {
    throw new Error('the recorded model output is not valid JSON');
  }
  const r = Results.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`the recorded model output is not what this version reads (${issue.path.join('.')}: ${issue.message})`);
  }
  return r.data;
}

/** A failed outcome from elsewhere is taken only while the item is pending and no local worker holds it. */
function markFailed(project: ProjectService, jobId: number, imageId: number, error: string, report: ShardMergeReport): void {
  const claim = itemClaim(project.pdb, jobId, imageId);
  if (claim?.state !== 'pending') {
    report.already++;
    return;
  }
  if (claim.owner !== null) {
    report.held++;
    return;
  }
  setItemState(project.pdb, jobId, imageId, 'failed', { error, attempt: true, now: Date.now() });
  report.failed++;
}

/** Why a results file does not belong to this job, in words naming the file; null when it does. */
function mismatch(file: string, meta: ShardMeta, expected: RunIdentity): string | null {
  if (meta.jobId !== expected.jobId || meta.signature !== expected.signature)
    return `${file} holds results for another job (job ${meta.jobId ?? '?'}, signature ${short(meta.signature)}), not job ${expected.jobId} (signature ${short(expected.signature)})`;
  if (meta.packs !== expected.packs) return `${file} was run with other model packs: ${describePacks(meta.packs)}; the job uses ${describePacks(expected.packs)}`;
  if (meta.parameters !== expected.parameters)
    return `${file} was run with other parameters than job ${expected.jobId} (categories, prompts, thresholds or options differ): ${meta.parameters} instead of ${expected.parameters}`;
  return null;
}

function describePacks(json: string | undefined): string {
  try {
    return (JSON.parse(json ?? '[]') as { id: string; sha256: string }[]).map((p) => `${p.id} (sha256 ${short(p.sha256)})`).join(', ');
  } catch {
    return String(json);
  }
}

const short = (s: string | undefined) => (s ? s.slice(0, 12) : '?');

function errorText(e: unknown): string {
  if (e instanceof LwError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}
