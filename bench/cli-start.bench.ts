/**
 * CLI start: `labelwright --help` against bare `node -e 0`, run alternately in the same
 * process so the ratio holds on a noisy machine (BENCHMARKS.md also gives hyperfine's
 * figures). The compiled CLI is built first when a source is newer than the build.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, timeIt, type BenchResult } from './types';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 20);

function run(args: string[]): void {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
}

export default async function bench(): Promise<BenchResult[]> {
  run([join(root, 'scripts', 'build-cli.mjs'), '--if-stale']);
  const bare = ['-e', '0'];
  const help = [join(root, 'bin', 'labelwright.js'), '--help'];
  for (let i = 0; i < 3; i++) run(help); // warm the file cache
  const node: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    node.push((await timeIt(() => run(bare))).ms);
    cli.push((await timeIt(() => run(help))).ms);
  }
  const ratio = median(cli) / median(node);
  return [
    { name: '`node -e 0`, median', value: median(node), unit: 'ms' },
    { name: '`labelwright --help`, median', value: median(cli), unit: 'ms' },
    { name: '`labelwright --help` / `node -e 0`', value: ratio, unit: '×', goal: '<= 4×', ok: ratio <= 4, note: `${RUNS} runs each, alternating` },
  ];
}
