/**
 * Class suggestions for the editor: one inference worker kept warm for the last pack asked
 * for (worker/warm-engine.ts), so each box a person draws costs one decoder call (and one
 * encoder call per new image) off the session's thread. The session (app/session.ts) serves it as `models.suggest`.
 */
import type { Bbox, Category } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import type { AdapterCategory, Suggestion } from '../types';
import { WarmEngine } from '../worker/warm-engine';
import { findPack } from '../packs/installed-packs';

export class BoxSuggester {
  private readonly warm = new WarmEngine();

  /**
   * Ranks the project's categories (or those of `categoryIds`) for `box` on the image at
   * `imagePath`. Categories map to the pack's classes by name or prompt, as in pre-labeling.
   */
  async suggest(pack: string, imagePath: string, box: Bbox, categories: readonly Category[], categoryIds?: readonly number[]): Promise<Suggestion[]> {
    const chosen = categoryIds ? categories.filter((c) => categoryIds.includes(c.id)) : categories;
    if (!chosen.length) throw new LwError('INVALID_ARGUMENT', 'No categories to rank', 'Add categories to the project first.');
    const asked: AdapterCategory[] = chosen.map((c) => ({ id: c.id, name: c.name, prompt: c.prompt, threshold: c.threshold }));
    return (await this.warm.get(pack)).suggest(imagePath, box, asked);
  }

  async close(): Promise<void> {
    await this.warm.close();
  }
}

/**
 * Refuses a pack that cannot suggest categories (a project setting names it): it must be
 * installed (findPack says which files are missing) and of kind pix2seq.
 */
export async function checkSuggestPack(id: string): Promise<void> {
  const pack = await findPack(id);
  if (pack.manifest.kind !== 'pix2seq')
    throw new LwError('INVALID_ARGUMENT', `${id} is a ${pack.manifest.kind} pack, which cannot suggest categories for a box`, 'Choose a pix2seq pack (labelwright models list).');
}
