import { z } from 'zod';

/** What a job records so it can be resumed and audited: packs with hashes, prompts, options. */
export const JobParams = z.object({
  packs: z.array(z.object({ id: z.string(), kind: z.enum(['glip', 'groupvit', 'pix2seq', 'sam', 'uniter']), sha256: z.string(), runId: z.number().int() })),
  categories: z.array(
    z.object({ id: z.number().int(), name: z.string(), prompt: z.string(), threshold: z.number().nullable() }),
  ),
  threshold: z.number().nullable(),
  fuse: z.boolean(),
  overwriteHuman: z.boolean(),
  /** A description of the target, e.g. "unlabeled" or a glob, for listings. */
  target: z.string(),
  /** Identifies "the same command": running it again resumes this job. */
  signature: z.string(),
  /** prelabel (also when absent, as in rows made before audits): predictions and annotations; audit: one uniter pack's scores per category (jobs/commit-audit.ts). */
  mode: z.enum(['prelabel', 'audit']).optional(),
  /**
   * Where the boxes' instance masks come from (services/instance-masks.ts), as chosen when the
   * job was planned; absent in rows recorded before `--masks` (jobInstanceMasks derives it).
   */
  masks: z.enum(['sam', 'groupvit']).nullable().optional(),
});
export type JobParams = z.infer<typeof JobParams>;

/**
 * Whether the job leaves images a person edited alone (skipped before decoding, left out of
 * bundles and merges): a pre-labeling job does unless it overwrites people's work; an audit
 * never does, since checking people's labels is what it is for.
 */
export function leavesEditedImages(p: Pick<JobParams, 'mode' | 'overwriteHuman'>): boolean {
  return p.mode !== 'audit' && !p.overwriteHuman;
}
