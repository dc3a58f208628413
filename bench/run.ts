/**
 * `npm run bench [-- name-filter]`: runs every bench/*.bench.ts and prints one table.
 * Figures go into BENCHMARKS.md together with this command.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import type { Bench, BenchResult } from './types';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !filter || f.includes(filter))
  .sort();

console.log(`# labelwright bench — node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}`);
let failures = 0;
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: Bench };
  console.log(`\n## ${f}`);
  let results: BenchResult[];
  try {
    results = await mod.default();
  } catch (e) {
    failures++;
    console.log(`  FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    continue;
  }
  for (const r of results) {
    const verdict = r.ok === undefined ? '' : r.ok ? '  ok' : '  MISSED';
    const goal = r.goal ? `  (goal ${r.goal})` : '';
    const note = r.note ? `  — ${r.note}` : '';
    console.log(`  ${r.name}: ${formatValue(r.value)} ${r.unit}${goal}${verdict}${note}`);
  }
}
process.exitCode = failures ? 1 : 0;

function formatValue(v: number): string {
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}
