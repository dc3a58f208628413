/** A folder of planted images (planted-images.ts), for tests that cannot touch the file system themselves (renderer tests). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plantedImage } from './planted-images';

/** Writes `<parent>/<name>/<file>` for each entry; returns the folder. */
export async function plantedFolder(
  parent: string,
  name: string,
  files: Record<string, Parameters<typeof plantedImage>>,
): Promise<string> {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, args] of Object.entries(files)) writeFileSync(join(dir, file), await plantedImage(...args));
  return dir;
}
