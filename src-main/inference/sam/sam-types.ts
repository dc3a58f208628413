/**
 * What crosses a thread or process boundary for SAM, as zod schemas (the worker messages
 * validate with them): a prompt on one image (the wire contract's, shared/api.ts) and the
 * mask it gives, with the adapter's timings.
 */
import { z } from 'zod';
import { SamSegmentResult } from '../../shared/api';

export { SamPoint, SamPrompt } from '../../shared/api';

export const SamMask = SamSegmentResult.extend({
  /** `chosenIn`: where the mask was chosen and thresholded: 'graph' with the mask head (decoder-head.ts), 'script' for a decoder it did not fit. */
  timings: z.object({ encodeMs: z.number(), decodeMs: z.number(), postMs: z.number(), chosenIn: z.enum(['graph', 'script']) }),
});
export type SamMask = z.infer<typeof SamMask>;

/** What embedding an image without a prompt reports (`sam.prepare`): whether the LRU already held it, the encoder's run count. */
export const SamEmbedding = z.object({ embeddingCached: z.boolean(), encoderRuns: z.number().int().nonnegative(), encodeMs: z.number() });
export type SamEmbedding = z.infer<typeof SamEmbedding>;

/** Prompts answered from an embedding cached under the caller's key for the file (no decoding): the masks, and the encoder's run count. */
export const SamCachedResult = z.object({ masks: z.array(SamMask), encoderRuns: z.number().int().nonnegative() });
export type SamCachedResult = z.infer<typeof SamCachedResult>;
