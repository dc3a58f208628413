/**
 * Builds what the end-to-end tests load, so `npm run test:e2e` works on a fresh clone:
 * - the renderer (out/renderer) for the browser host, with vite directly (fast, and
 *   independent of the main-process bundle);
 * - everything (`electron-vite build`) when the Electron binary is installed.
 * LABELWRIGHT_E2E_SKIP_BUILD=1 skips it (you built already).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO } from './support/host';
import { buildRenderer } from './support/build-renderer';

export default async function globalSetup(): Promise<void> {
  if (process.env.LABELWRIGHT_E2E_SKIP_BUILD === '1') return;
  let electron: string | null = null;
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) electron = p;
  } catch {
    electron = null;
  }
  if (electron) {
    execFileSync(
      process.execPath,
      [join(REPO, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
      { cwd: REPO, stdio: 'inherit' },
    );
    return;
  }
  await buildRenderer();
}
