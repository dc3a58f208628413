/**
 * What crosses a thread or process boundary for SAM, as zod schemas (the worker messages
 * validate with them): a prompt on one image (the wire contract's, shared/api.ts) and the
 * mask it gives, with the adapter's timings.
 */
import { z } from 'zod';
import { SamSegmentResult } from '../../shared/api';

export { SamPoint, SamPrompt } from '../../shared/api';

export const SamMask = SamSegmentResult.extend({
  timings: z.object({ encodeMs: z.number(), decodeMs: z.number(), postMs: z.number() }),
});
export type SamMask = z.infer<typeof SamMask>;
