/**
 * UNITER through the CLI binary with the fixture pack: `predict --text` on one image, and
 * `search` over a project with its region-feature cache (reuse, damaged and torn files,
 * failing images), and the refusals (a uniter pack does not detect).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../testing/cli';
import { decodeRegionSet } from '../../inference/uniter/feature-cache';
import { BLUE, plantedImage, RED } from '../../testing/planted-images';
import { useTmp } from '../../testing/tmp';

const tmp = useTmp();

/** A project of red-square, blue-square and plain grey images of several sizes. */
async function project(extra = 0): Promise<{ d: string; p: string; cacheRoot: string }> {
  const d = tmp();
  const img = join(d, 'img');
  await mkdir(img);
  const files: [string, Buffer][] = [
    ...(await Promise.all(Array.from({ length: extra }, async (_, i) => [`x-${String(i).padStart(3, '0')}.png`, await plantedImage(900, 700, [{ x: i * 5, y: 10, w: 60, h: 60, colour: i % 2 ? RED : BLUE }])] as [string, Buffer]))),
    ['a-blue-1.png', await plantedImage(320, 240, [{ x: 20, y: 30, w: 80, h: 80, colour: BLUE }])],
    ['b-grey.png', await plantedImage(200, 300, [])],
    ['c-red-1.png', await plantedImage(640, 480, [{ x: 300, y: 200, w: 128, h: 128, colour: RED }])],
    ['d-blue-2.png', await plantedImage(150, 600, [{ x: 10, y: 400, w: 60, h: 60, colour: BLUE }])],
    ['e-red-2.png', await plantedImage(1200, 300, [{ x: 1000, y: 50, w: 100, h: 100, colour: RED }])],
  ];
  for (const [name, bytes] of files) await writeFile(join(img, name), bytes);
  const p = join(d, 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  expect(runCli(['add', p, img]).code).toBe(0);
  return { d, p, cacheRoot: `${p}.uniter-cache` };
}

const names = (ranked: { path: string }[]) => ranked.map((r) => r.path.split('/').pop());

function cacheFiles(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const packDir of readdirSync(root)) for (const f of readdirSync(join(root, packDir))) out.set(join(root, packDir, f), readFileSync(join(root, packDir, f)));
  return out;
}

describe('predict <uniter pack> <image> --text', () => {
  it('scores each text: raw rank_logit and its sigmoid, named so, and the regions used', async () => {
    const d = tmp();
    const image = join(d, 'red.png');
    writeFileSync(image, await plantedImage(640, 480, [{ x: 100, y: 200, w: 128, h: 128, colour: RED }]));
    const r = runCli(['--json', 'predict', 'uniter-fixture', image, '--text', 'a red square', '--text', 'a blue square']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.kind).toBe('uniter');
    const [red, blue] = r.json.texts;
    expect(red.text).toBe('a red square');
    expect(red.rankLogit).toBeGreaterThan(blue.rankLogit);
    expect(red.sigmoidOfRankLogit).toBeCloseTo(1 / (1 + Math.exp(-red.rankLogit)), 6);
    expect(r.json.regions).toHaveLength(10);
    r.json.regions[0].box.forEach((v: number, i: number) => expect(Math.abs(v - [100, 200, 228, 328][i])).toBeLessThanOrEqual(2));
    expect(r.json.warnings).toEqual([]);

    const human = runCli(['predict', 'uniter-fixture', image, '--text', 'Blue', '--text', 'Red']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('rank_logit (raw score)');
    expect(human.stdout).toContain('sigmoid(rank_logit)');
    expect(human.stdout).toContain('regions used');
  });

  it('refuses --categories on a uniter pack, --text on a detector, and both together (exit 2)', async () => {
    const d = tmp();
    const image = join(d, 'red.png');
    writeFileSync(image, await plantedImage(64, 64, []));
    const cats = runCli(['predict', 'uniter-fixture', image, '--categories', 'red']);
    expect(cats.code).toBe(2);
    expect(cats.stderr).toContain('does not detect objects');
    const onGlip = runCli(['predict', 'glip-fixture', image, '--text', 'red']);
    expect(onGlip.code).toBe(2);
    expect(onGlip.stderr).toContain('glip-fixture is a glip pack');
    const both = runCli(['predict', 'uniter-fixture', image, '--text', 'red', '--categories', 'red']);
    expect(both.code).toBe(2);
    const neither = runCli(['predict', 'uniter-fixture', image]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--text');
  });

  it('an image that cannot be decoded is exit 3 with the file named', () => {
    const d = tmp();
    const image = join(d, 'broken.png');
    writeFileSync(image, 'not an image');
    const r = runCli(['predict', 'uniter-fixture', image, '--text', 'red']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('broken.png');
  });
});

describe('prelabel with a uniter pack', () => {
  it('is refused before any job is made: UNITER does not detect', async () => {
    const { p } = await project();
    const r = runCli(['prelabel', p, '--pack', 'uniter-fixture', '--categories', 'red']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('uniter-fixture is a uniter pack');
    expect(runCli(['--json', 'jobs', p]).json).toEqual([]);
  });
});

describe('search <project> <text> --pack <uniter pack>', () => {
  it('"red" ranks the red images first, "blue" the blue ones; the second search runs only ITM passes', async () => {
    const { p, cacheRoot } = await project();
    const first = runCli(['--json', 'search', p, 'red', '--pack', 'uniter-fixture']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json.searched).toBe(5);
    expect(names(first.json.ranked).slice(0, 2).sort()).toEqual(['c-red-1.png', 'e-red-2.png']);
    expect(first.json.regionRuns).toBe(5);
    expect(first.json.itmRuns).toBe(5);
    const cached = cacheFiles(cacheRoot);
    expect(cached.size).toBe(5);

    const second = runCli(['--json', 'search', p, 'a blue square', '--pack', 'uniter-fixture', '--limit', '2']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json.regionRuns).toBe(0);
    expect(second.json.itmRuns).toBe(5);
    expect(second.json.cache.hits).toBe(5);
    expect(names(second.json.ranked).sort()).toEqual(['a-blue-1.png', 'd-blue-2.png']);
    // The cache files are the same bytes (only their mtimes move, for LRU).
    const after = cacheFiles(cacheRoot);
    expect([...after.keys()].sort()).toEqual([...cached.keys()].sort());
    for (const [f, bytes] of cached) expect(after.get(f)!.equals(bytes)).toBe(true);
  });

  it('a damaged cache file is ignored and rewritten; a temp file left by a killed writer is never read', async () => {
    const { p, cacheRoot } = await project();
    expect(runCli(['--json', 'search', p, 'red', '--pack', 'uniter-fixture']).json.regionRuns).toBe(5);
    const files = [...cacheFiles(cacheRoot).entries()].sort((a, b) => a[0].localeCompare(b[0]));
    // One file cut short (a torn write), one with a flipped byte in its features.
    const [tornPath, tornBytes] = files[0];
    writeFileSync(tornPath, tornBytes.subarray(0, tornBytes.length >> 1));
    const [flipPath, flipBytes] = files[1];
    const flipped = Buffer.from(flipBytes);
    flipped[flipped.length - 100] ^= 0xff;
    writeFileSync(flipPath, flipped);
    // A third removed, with the half-written temp file a kill mid-write would leave beside it.
    const [gonePath, goneBytes] = files[2];
    const { rmSync } = await import('node:fs');
    rmSync(gonePath);
    writeFileSync(`${gonePath}.4242.deadbeef.tmp`, goneBytes.subarray(0, 40));

    const r = runCli(['--json', 'search', p, 'red', '--pack', 'uniter-fixture']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.cache.corrupt).toBe(2);
    expect(r.json.regionRuns).toBe(3);
    expect(names(r.json.ranked).slice(0, 2).sort()).toEqual(['c-red-1.png', 'e-red-2.png']);
    // Rewritten whole: identical to what the first search wrote.
    expect(readFileSync(tornPath).equals(tornBytes)).toBe(true);
    expect(readFileSync(flipPath).equals(flipBytes)).toBe(true);
    expect(readFileSync(gonePath).equals(goneBytes)).toBe(true);
    expect(runCli(['--json', 'search', p, 'red', '--pack', 'uniter-fixture']).json.regionRuns).toBe(0);
  });

  it('--cache-mb caps the cache; features are stored as float16', async () => {
    const { p, cacheRoot } = await project();
    // Each file: 24-byte header, 10 boxes (f32 ×4), 10 scores (f32), 10 × 2048 features (f16), 32-byte SHA-256 ≈ 41 KB.
    const perFile = 24 + 10 * 16 + 10 * 4 + 10 * 2048 * 2 + 32;
    const r = runCli(['--json', 'search', p, 'red', '--pack', 'uniter-fixture', '--cache-mb', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.cache.evicted).toBe(0);
    for (const f of cacheFiles(cacheRoot).keys()) expect(statSync(f).size).toBe(perFile);
    expect(runCli(['search', p, 'red', '--pack', 'uniter-fixture', '--cache-mb', 'lots']).code).toBe(2);
  });

  it('an image that fails is listed and the search goes on', async () => {
    const { d, p } = await project();
    writeFileSync(join(d, 'img', 'b-grey.png'), 'damaged after it was added');
    const r = runCli(['--json', 'search', p, 'red', '--pack', 'uniter-fixture']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.failures).toHaveLength(1);
    expect(r.json.failures[0].path).toContain('b-grey.png');
    expect(r.json.failures[0].error).toContain('could not be decoded');
    expect(r.json.ranked).toHaveLength(4);
  });

  it('refuses a pack that is not uniter, and bad flags', async () => {
    const { p } = await project();
    const glip = runCli(['search', p, 'red', '--pack', 'glip-fixture']);
    expect(glip.code).toBe(2);
    expect(glip.stderr).toContain('search needs a uniter pack');
    expect(runCli(['search', p, 'red', '--pack', 'uniter-fixture', '--limit', '0']).code).toBe(2);
  });
});

/** Starts a search in its own process and resolves once its first cache file exists. */
async function searchStarted(p: string, cacheRoot: string) {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'labelwright.js'), '--json', 'search', p, 'red', '--pack', 'uniter-fixture'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  const firstFile = () => existsSync(cacheRoot) && readdirSync(cacheRoot).some((d) => readdirSync(join(cacheRoot, d)).some((f) => f.endsWith('.lwr')));
  while (!firstFile() && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
  return { child, exited, stderr: () => stderr };
}

describe('search interrupted', () => {
  it('Ctrl+C cancels with exit 130, keeping what was cached; the next search goes on from there', async () => {
    const { p, cacheRoot } = await project(60);
    const run = await searchStarted(p, cacheRoot);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expect(code, run.stderr()).toBe(130);
    expect(run.stderr()).toContain('Search cancelled');
    const kept = cacheFiles(cacheRoot).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(65);
    const again = runCli(['--json', 'search', p, 'red', '--pack', 'uniter-fixture']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.regionRuns).toBe(65 - kept);
  });

  it('after SIGKILL mid-search every cache file is whole, and a new search ranks all images', async () => {
    const { p, cacheRoot } = await project(60);
    const run = await searchStarted(p, cacheRoot);
    run.child.kill('SIGKILL');
    await run.exited;
    for (const [f, bytes] of cacheFiles(cacheRoot)) if (f.endsWith('.lwr')) expect(decodeRegionSet(bytes), f).not.toBeNull();
    const again = runCli(['--json', 'search', p, 'red', '--pack', 'uniter-fixture', '--limit', '100']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.cache.corrupt).toBe(0);
    expect(again.json.ranked).toHaveLength(65);
    expect(names(again.json.ranked).slice(0, 2).every((n) => /red|x-\d*[13579]\.png/.test(n!))).toBe(true);
  });
});
