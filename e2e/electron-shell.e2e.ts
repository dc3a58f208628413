/**
 * What only a real Electron can show about the desktop shell's guards (the unit tests in
 * src-main/app/electron-guards.test.ts and renderer-protocol.test.ts fake Electron at the
 * boundary): the page is served from app://, its header CSP is in force, it cannot
 * navigate away or open windows, and it is refused every permission. Electron project only;
 * skips where the Electron binary is not installed.
 */
import { _electron, type ElectronApplication } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { REPO } from './support/host';

function electronPath(): string | null {
  try {
    const p = createRequire(import.meta.url)('electron') as unknown as string;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

test.describe('desktop shell guards (electron)', () => {
  let electronApp: ElectronApplication | null = null;
  let dir = '';
  const lines: string[] = [];
  /** Resolves when main logs a line matching `re` (main.ts logs every refusal). */
  const logged = (re: RegExp) => expect.poll(() => lines.some((l) => re.test(l))).toBe(true);

  // eslint-disable-next-line no-empty-pattern
  test.beforeEach(async ({}, testInfo) => {
    test.skip(testInfo.project.name !== 'electron', 'Electron only');
    const bin = electronPath();
    test.skip(!bin, 'Electron binary not installed (npm install electron with network, then npx electron-vite build)');
    dir = mkdtempSync(join(tmpdir(), 'lw-e2e-shell-'));
    const env = { LABELWRIGHT_USER_DATA: join(dir, 'user-data'), LABELWRIGHT_MODELS: join(dir, 'models'), LABELWRIGHT_TEST_API: '1', LABELWRIGHT_OFFLINE: '1' };
    mkdirSync(env.LABELWRIGHT_USER_DATA, { recursive: true });
    // ELECTRON_RENDERER_URL left over from a dev shell must not matter here: the built pages load.
    const { ELECTRON_RENDERER_URL: _dev, ...rest } = process.env;
    electronApp = await _electron.launch({ executablePath: bin!, args: [join(REPO, 'out', 'main', 'index.js')], env: { ...rest, ...env } as Record<string, string> });
    const collect = (b: Buffer) => lines.push(...b.toString().split('\n'));
    electronApp.process().stdout?.on('data', collect);
    electronApp.process().stderr?.on('data', collect);
  });

  test.afterEach(async () => {
    await electronApp?.close();
    electronApp = null;
    lines.length = 0;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the page comes from app:// with the header CSP, and the services answer over IPC', async () => {
    const page = await electronApp!.firstWindow();
    await page.waitForURL(/^app:\/\/renderer\/index\.html/);
    // RPC over IPC from an app:// page: creating a project works.
    await page.getByTestId('project-path').fill(join(dir, 'p.lw'));
    await page.getByTestId('create-project').click();
    await expect(page.getByTestId('folder-path')).toBeVisible();
    // The meta tag allows 'self'; only the header (connect-src 'none') refuses this fetch.
    const violated = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
          void fetch('app://renderer/index.html').catch(() => undefined);
        }),
    );
    expect(violated).toBe('connect-src');
    expect(await page.evaluate(() => 'require' in window || 'process' in window)).toBe(false);
  });

  test('navigation, redirects and window.open are refused; permissions denied', async () => {
    const page = await electronApp!.firstWindow();
    await page.waitForURL(/^app:\/\/renderer\/index\.html/);
    const start = page.url();
    expect(await page.evaluate(() => window.open('https://example.invalid/popup') === null)).toBe(true);
    await logged(/refused window to https:\/\/example\.invalid\/popup/);
    expect(electronApp!.windows()).toHaveLength(1);

    await page.evaluate(() => void (location.href = 'https://example.invalid/away'));
    await logged(/refused navigate to https:\/\/example\.invalid\/away/);
    expect(page.url()).toBe(start);

    expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
    expect(await page.evaluate(async () => (await navigator.permissions.query({ name: 'geolocation' })).state)).toBe('denied');
  });
});
