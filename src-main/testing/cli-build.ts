/**
 * vitest globalSetup: tests that spawn the CLI (cli.ts) run the compiled CLI, as users do,
 * so it is built here once per test run when a source is newer than the build.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './cli';

export default function buildCli(): void {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-cli.mjs'), '--if-stale'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status === 0) return;
  // Only the CLI tests need the build: leave the others running, and drop the stale build
  // so the CLI tests fail with the build error (bin/labelwright.js rebuilds a missing CLI)
  // instead of passing against old code.
  process.stderr.write(`warning: building the CLI failed; the CLI tests will fail\n${r.stderr}`);
  rmSync(join(REPO_ROOT, 'out', 'cli'), { recursive: true, force: true });
}
