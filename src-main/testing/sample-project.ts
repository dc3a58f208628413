import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from './cli';

/**
 * A fresh project file made by the real CLI in `dir`, with a copy of the bundled sample
 * images beside it (not yet added: pass `add: true` for that).
 */
export function initSampleProject(dir: string, opts: { add?: boolean } = {}): { d: string; images: string; p: string } {
  const images = join(dir, 'images');
  cpSync(join(REPO_ROOT, 'resources', 'samples'), images, { recursive: true });
  const p = join(dir, 'p.lw');
  for (const args of [['init', p], ...(opts.add ? [['add', p, images]] : [])]) {
    const r = runCli(args);
    if (r.code !== 0) throw new Error(`labelwright ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  }
  return { d: dir, images, p };
}
