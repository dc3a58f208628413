/**
 * End-to-end tests. `npm run test:e2e`.
 * - browser: Debian chromium (playwright-core, no downloaded browsers) against the real
 *   browser host, started per test in a fresh temp folder (see fixtures.ts).
 * - electron: the same page objects through `_electron.launch`; skips with a message
 *   where the Electron binary is not installed.
 * Screenshots land in test-results/; LABELWRIGHT_UPDATE_SCREENSHOTS=1 also refreshes docs/screenshots/.
 */
import { defineConfig } from '@playwright/test';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.e2e\.ts$/,
  globalSetup: './global-setup.ts',
  outputDir: '../test-results',
  timeout: 180_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1400, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 20_000,
  },
  projects: [
    {
      name: 'browser',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.LABELWRIGHT_CHROMIUM ?? '/usr/bin/chromium',
          args: CHROMIUM_ARGS,
        },
      },
    },
    { name: 'electron', testIgnore: /(security|reconnect)\.e2e\.ts$/ },
  ],
});
