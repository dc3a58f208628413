#!/usr/bin/env node
/**
 * Builds the CLI into out/cli with esbuild (the bundler electron-vite itself runs on), so
 * `labelwright` starts from plain JavaScript instead of transpiling TypeScript at every start.
 *
 *   node scripts/build-cli.mjs             build
 *   node scripts/build-cli.mjs --if-stale  build only when a source is newer than the build
 *   node scripts/build-cli.mjs --prepare   npm's `prepare` (after install/ci): build, or only
 *                                          warn where esbuild is absent (--omit=dev)
 *
 * Messages go to stderr: `npm run labelwright -- --json …` keeps a clean stdout.
 *
 * Plain .mjs on purpose: it runs in `prepare`, before anything could transpile TypeScript.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcMain = join(root, 'src-main');
export const CLI_OUT = join(root, 'out', 'cli');
const STAMP = join(CLI_OUT, '.built');
/** Kept out of the bundle: the same list electron-builder.yml unpacks from the asar. */
const NATIVE_MODULES = ['better-sqlite3', 'onnxruntime-node', 'sharp'];

/** Production sources under src-main (tests excluded): what the build reads. */
function sources(dir = srcMain, acc = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sources(p, acc);
    else if (/\.(ts|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) acc.push(p);
  }
  return acc;
}

/**
 * Files the code starts by path at run time: worker threads, spawned as
 * `new URL('./name.js', import.meta.url)`. Every such name with a `name.ts` beside the
 * referring file becomes an entry, so whatever worker entries exist get built (a name
 * without a source is reported: that worker would fail to start).
 */
function workerEntries(files) {
  const entries = {};
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/new URL\(\s*['"]\.\/([\w-]+)\.js['"]\s*,\s*import\.meta\.url\s*\)/g)) {
      const src = join(dirname(file), `${m[1]}.ts`);
      if (existsSync(src)) entries[m[1]] = src;
      else console.warn(`warning: ${relative(root, file)} starts ./${m[1]}.js, but ${relative(root, src)} does not exist`);
    }
  }
  return entries;
}

/** True when out/cli is missing or older than a source, this script or the installed dependencies. */
export function cliIsStale() {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  const inputs = [...sources(), fileURLToPath(import.meta.url), join(root, 'package.json'), join(root, 'package-lock.json')];
  return inputs.some((f) => existsSync(f) && statSync(f).mtimeMs > built);
}

export async function buildCli({ ifStale = false, quiet = false } = {}) {
  if (ifStale && !cliIsStale()) return false;
  const { build } = await import('esbuild');
  const files = sources();
  const entryPoints = { main: join(srcMain, 'cli', 'main.ts'), ...workerEntries(files) };
  // Build beside the output and swap it in, so a CLI started meanwhile (another test run)
  // never loads half-written chunks.
  const tmp = `${CLI_OUT}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: tmp,
    bundle: true,
    // Each command is a dynamic import, so it becomes its own chunk and `--help` parses
    // only main.js and commander.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Native modules load from their own folders (electron-builder unpacks them from the
    // asar); every pure-JS dependency is bundled, so the CLI resolves nothing else at start
    // and runs as plain files from app.asar.unpacked in a packaged app.
    external: NATIVE_MODULES,
    // Bundled CommonJS dependencies (commander, cli-progress) call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // Flat: worker entries are found next to the chunk that starts them (import.meta.url).
    chunkNames: '[name]-[hash]',
    sourcemap: 'linked',
    logLevel: quiet ? 'error' : 'warning',
  });
  writeFileSync(join(tmp, '.built'), `${new Date().toISOString()}\n`);
  mkdirSync(dirname(CLI_OUT), { recursive: true });
  const old = `${CLI_OUT}.old-${process.pid}`;
  // Two builds can race (parallel test runs): whichever swaps in last wins, both are whole.
  try {
    renameSync(CLI_OUT, old);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  try {
    renameSync(tmp, CLI_OUT);
  } catch (e) {
    if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  if (!quiet) console.error(`built ${relative(root, CLI_OUT)}: ${Object.keys(entryPoints).map((e) => `${e}.js`).join(', ')}`);
  return true;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  if (process.argv.includes('--prepare') && !(await import('esbuild').then(() => true, () => false)))
    console.error('labelwright: esbuild is not installed (dev dependencies omitted); the CLI was not built');
  else await buildCli({ ifStale: process.argv.includes('--if-stale') });
}
