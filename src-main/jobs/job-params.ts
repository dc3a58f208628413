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
});
export type JobParams = z.infer<typeof JobParams>;
