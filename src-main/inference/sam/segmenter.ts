/**
 * Click-to-segment for the editor: one inference worker kept warm for the last sam pack asked
 * for, so the image embedding (cached per image in that worker) is computed once and every
 * further click runs only the decoder, off the session's thread. The session
 * (app/session.ts) serves it as `sam.segment`.
 */
import type { SamPrompt, SamSegmentResult } from '../../shared/api';
import { WarmEngine } from '../worker/warm-engine';

export class SamSegmenter {
  private readonly warm = new WarmEngine();

  async segment(pack: string, imagePath: string, prompt: SamPrompt): Promise<SamSegmentResult> {
    const [mask] = await (await this.warm.get(pack)).segment(imagePath, [prompt]);
    const { timings: _timings, ...result } = mask;
    return result;
  }

  close(): Promise<void> {
    return this.warm.close();
  }
}
