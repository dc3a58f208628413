#!/usr/bin/env node
// Runs the compiled CLI (out/cli/main.js). npm's `prepare` builds it after `npm ci` /
// `npm install`, so `npx labelwright` works on a fresh clone; a packaged app ships the same
// out/cli (see electron-builder.yml). Compiled JavaScript, not tsx, keeps the start fast.
import { existsSync } from 'node:fs';

const entry = new URL('../out/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  // Installed with --ignore-scripts, or out/ was cleaned: build once, from a clone only.
  const builder = new URL('../scripts/build-cli.mjs', import.meta.url);
  if (!existsSync(builder)) {
    process.stderr.write('error: the labelwright CLI is not built (out/cli/main.js is missing)\n');
    process.exit(1);
  }
  const { buildCli } = await import(builder.href);
  await buildCli({ quiet: true });
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
