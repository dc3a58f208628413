/**
 * `labelwright search` killed with SIGKILL once some region features are cached, then run
 * again: it ranks exactly as a search that was never interrupted, and its JSON says how
 * many images' regions came from the cache (the ones the killed run wrote, no more).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../testing/cli';
import { decodeRegionSet } from '../../inference/uniter/feature-cache';
import { BLUE, plantedImage, RED } from '../../testing/planted-images';
import { useTmp } from '../../testing/tmp';

const tmp = useTmp();
const IMAGES = 40;

/** 40 images: red squares, blue squares, both, or none, at sizes the regions graph resizes differently. */
async function imageFolder(): Promise<string> {
  const dir = join(tmp(), 'img');
  await mkdir(dir);
  for (let i = 0; i < IMAGES; i++) {
    const w = 400 + 37 * i;
    const h = 300 + 23 * (i % 7);
    const squares = [
      ...(i % 4 === 1 || i % 4 === 3 ? [{ x: 10 + i, y: 20, w: 60, h: 60, colour: RED }] : []),
      ...(i % 4 === 2 || i % 4 === 3 ? [{ x: 200, y: 100 + i, w: 50, h: 50, colour: BLUE }] : []),
    ];
    await writeFile(join(dir, `im-${String(i).padStart(2, '0')}.png`), await plantedImage(w, h, squares));
  }
  return dir;
}

function projectOf(images: string): { p: string; cacheRoot: string } {
  const p = join(tmp(), 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  expect(runCli(['add', p, images]).code).toBe(0);
  return { p, cacheRoot: `${p}.uniter-cache` };
}

const ARGS = ['red', '--pack', 'uniter-fixture', '--limit', String(IMAGES)];

function cacheFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)).map((f) => join(root, d, f)));
}

/** Starts `search` in its own process and SIGKILLs it once `atLeast` feature files are cached. */
async function killedMidSearch(p: string, cacheRoot: string, atLeast: number): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'labelwright.js'), '--json', 'search', p, ...ARGS], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
  while (child.exitCode === null && child.signalCode === null && cacheFiles(cacheRoot).filter((f) => f.endsWith('.lwr')).length < atLeast)
    await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGKILL');
  return { signal: await exited, stderr };
}

const ranking = (json: { ranked: { path: string; rankLogit: number }[] }) => json.ranked.map((r) => [r.path.split('/').pop(), r.rankLogit]);

describe('search killed with SIGKILL', () => {
  it('resumes from the cached features and ranks as an uninterrupted search; --json counts the cached regions', async () => {
    const images = await imageFolder();
    const reference = projectOf(images);
    const whole = runCli(['--json', 'search', reference.p, ...ARGS]);
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.json.regionRuns).toBe(IMAGES);
    expect(whole.json.cachedRegions).toBe(0);

    const killed = projectOf(images);
    const run = await killedMidSearch(killed.p, killed.cacheRoot, 3);
    expect(run.signal, run.stderr).toBe('SIGKILL');
    const kept = cacheFiles(killed.cacheRoot).filter((f) => f.endsWith('.lwr'));
    expect(kept.length).toBeGreaterThanOrEqual(3);
    expect(kept.length).toBeLessThan(IMAGES); // killed mid-search, not after it
    for (const f of kept) expect(decodeRegionSet(readFileSync(f)), f).not.toBeNull();

    const again = runCli(['--json', 'search', killed.p, ...ARGS]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.cachedRegions).toBe(kept.length);
    expect(again.json.cachedRegions).toBeGreaterThan(0);
    expect(again.json.regionRuns).toBe(IMAGES - kept.length);
    expect(again.json.failures).toEqual([]);
    expect(ranking(again.json)).toEqual(ranking(whole.json));
    // Red images (every odd one) first.
    expect(ranking(again.json).slice(0, IMAGES / 2).every(([n]) => Number(String(n).slice(3, 5)) % 2 === 1)).toBe(true);
  });
});
