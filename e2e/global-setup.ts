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
  let electron: string | null = null;
  try {
    const p = createRequire(import.meta.url)('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) electron = p;
  } catch {
    electron = null;
  }
  // The list reporter does not print skip reasons: say it once, up front.
  if (!electron)
    console.log(
      '\n[electron] project SKIPPED: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD). ' +
        'Its tests run the same page objects through _electron.launch where the binary exists.\n',
    );
  if (process.env.LABELWRIGHT_E2E_SKIP_BUILD === '1') return;
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
