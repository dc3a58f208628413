/**
 * One fixture for both projects: `app` is a LabelwrightApp (page objects) on a fresh
 * profile in a fresh temp folder (Joplin-style: one profile per test).
 * - browser: spawns the browser host and opens its URL in Debian chromium.
 * - electron: launches the built app through `_electron.launch`; skips when the Electron
 *   binary is absent (this offline machine has none).
 */
import { test as base, _electron, chromium, type Page } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchHost, REPO, type HostProcess } from './support/host';
import { LabelwrightApp } from './pages/app';
import { CHROMIUM_ARGS } from './playwright.config';

export interface Workspace {
  dir: string;
  env: Record<string, string>;
}

function electronBinary(): { path: string | null; why: string } {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown as string;
    if (typeof p === 'string' && existsSync(p)) return { path: p, why: '' };
    return { path: null, why: `require('electron') points at ${String(p)}, which does not exist` };
  } catch (e) {
    return { path: null, why: (e as Error).message.split('\n')[0] };
  }
}

export const test = base.extend<{ workspace: Workspace; host: HostProcess | null; app: LabelwrightApp }>({
  // eslint-disable-next-line no-empty-pattern
  workspace: async ({}, use, testInfo) => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-e2e-'));
    const env = {
      LABELWRIGHT_USER_DATA: join(dir, 'user-data'),
      LABELWRIGHT_MODELS: join(dir, 'models'),
      LABELWRIGHT_TEST_API: '1',
      LABELWRIGHT_OFFLINE: '1',
    };
    mkdirSync(env.LABELWRIGHT_USER_DATA, { recursive: true });
    mkdirSync(env.LABELWRIGHT_MODELS, { recursive: true });
    await use({ dir, env });
    if (testInfo.status === testInfo.expectedStatus && !process.env.LABELWRIGHT_KEEP_TMP)
      rmSync(dir, { recursive: true, force: true });
  },
  host: async ({ workspace }, use, testInfo) => {
    if (testInfo.project.name !== 'browser') return use(null);
    const host = await launchHost({ env: workspace.env });
    await use(host);
    await host.stop();
    if (testInfo.status !== testInfo.expectedStatus)
      await testInfo.attach('host-stderr', { body: host.stderr(), contentType: 'text/plain' });
  },
  app: async ({ workspace, host }, use, testInfo) => {
    if (testInfo.project.name === 'electron') {
      const bin = electronBinary();
      test.skip(
        !bin.path,
        `Electron binary not installed: ${bin.why}. Install it (npm install electron with network) and run npx electron-vite build.`,
      );
      const electronApp = await _electron.launch({
        executablePath: bin.path!,
        args: [join(REPO, 'out', 'main', 'index.js')],
        env: { ...process.env, ...workspace.env } as Record<string, string>,
      });
      const page = await electronApp.firstWindow();
      await page.setViewportSize({ width: 1400, height: 860 }).catch(() => undefined);
      await use(new LabelwrightApp(page, workspace.dir, testInfo));
      await electronApp.close();
      return;
    }
    // A browser per test: a fresh profile each time, and no browser at all for Electron runs.
    const browser = await chromium.launch({
      executablePath: process.env.LABELWRIGHT_CHROMIUM ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page: Page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(host!.url);
    await use(new LabelwrightApp(page, workspace.dir, testInfo));
    await context.close();
    await browser.close();
    if (errors.length)
      await testInfo.attach('page-errors', { body: errors.join('\n'), contentType: 'text/plain' });
  },
});

export { expect } from '@playwright/test';
