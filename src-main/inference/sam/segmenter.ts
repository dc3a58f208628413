/**
 * Click-to-segment for the editor: one inference worker kept warm for the last sam pack asked
 * for, so the image embedding (cached per image in that worker) is computed once and every
 * further click runs only the decoder, off the session's thread. The session
 * (app/session.ts) serves it as `sam.segment`, and `sam.prepare` before the first click.
 */
import type { SamPrompt, SamSegmentResult } from '../../shared/api';
import { LwError } from '../../shared/errors';
import { findPack } from '../packs/installed-packs';
import { WarmEngine } from '../worker/warm-engine';
import type { SamMask } from './sam-types';

/** A project's `samPack` must be an installed sam pack. */
export async function checkSamPack(id: string): Promise<void> {
  const pack = await findPack(id);
  if (pack.manifest.kind !== 'sam')
    throw new LwError('INVALID_ARGUMENT', `${id} is a ${pack.manifest.kind} pack, which cannot segment from clicks`, 'Choose a sam pack for the Smart tool (labelwright models list).');
}

export class SamSegmenter {
  private readonly warm = new WarmEngine();
  /** The model stage's timings of the last click (the decoder's own run, and thresholding + RLE): the click bench subtracts them from the round trip. */
  lastTimings: SamMask['timings'] | null = null;

  /**
   * `fileKey` (the project's content hash of the file) names the image before it is decoded:
   * on an image already embedded, a click is one message to the model stage and the decoder
   * run, without reading, decoding or hashing the file again.
   */
  async segment(pack: string, imagePath: string, prompt: SamPrompt, fileKey?: string): Promise<SamSegmentResult> {
    const engine = await this.warm.get(pack);
    const [mask] = fileKey !== undefined ? await engine.segmentKeyed(imagePath, fileKey, [prompt]) : await engine.segment(imagePath, [prompt]);
    const { timings, ...result } = mask;
    this.lastTimings = timings;
    return result;
  }

  /** Embeds the image now (the Smart tool's first use on it shows progress meanwhile); `ms` includes decoding the file. */
  async prepare(pack: string, imagePath: string, fileKey?: string): Promise<{ embeddingCached: boolean; encoderRuns: number; ms: number }> {
    const t0 = performance.now();
    // Checked here, before the warm worker switches to a pack that cannot do it (once per image).
    await checkSamPack(pack);
    const { embeddingCached, encoderRuns } = await (await this.warm.get(pack)).embed(imagePath, fileKey);
    return { embeddingCached, encoderRuns, ms: performance.now() - t0 };
  }

  /** Images the warm engine of `pack` has decoded so far (0 when none is warm for it): how tests and the bench see that a click on an embedded image decodes nothing. */
  async imagesPrepared(pack: string): Promise<number> {
    return (await this.warm.peek(pack))?.stats.prepared ?? 0;
  }

  close(): Promise<void> {
    return this.warm.close();
  }
}
