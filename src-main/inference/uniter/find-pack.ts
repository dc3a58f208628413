/**
 * The one check that a pack can rank images by text (`labelwright search`, the app's search
 * box): installed (findPack says which files are missing) and of kind uniter.
 */
import { LwError } from '../../shared/errors';
import { findPack, type InstalledPack } from '../packs/installed-packs';

export async function findUniterPack(idOrDir: string): Promise<InstalledPack> {
  const pack = await findPack(idOrDir);
  if (pack.manifest.kind !== 'uniter')
    throw new LwError(
      'INVALID_ARGUMENT',
      `search needs a uniter pack; ${pack.manifest.id} is a ${pack.manifest.kind} pack`,
      'Choose a uniter pack (`labelwright models list`, or the Models screen).',
    );
  return pack;
}
