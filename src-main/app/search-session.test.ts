/**
 * `search.run` / `search.cancel` / `search.progress` over the RPC server of a real session
 * (the model in the session's search thread) with the uniter fixture pack: the grid's filter
 * decides what is searched, a new search cancels the one running and answers with its
 * partial ranking, an image that fails is listed, and a wrong pack is a clear error.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveProject, type ServedProject } from '../testing/served-project';
import { BLUE, plantedImage, RED } from '../testing/planted-images';
import { useTmp } from '../testing/tmp';

const tmp = useTmp();
let srv: ServedProject | null = null;
afterEach(async () => {
  await srv?.close();
  srv = null;
});

/** A served project of `n` images; odd ones have a red square, even ones a blue one. */
async function served(n: number): Promise<ServedProject> {
  const d = tmp();
  const img = join(d, 'img');
  await mkdir(img);
  for (let i = 0; i < n; i++)
    await writeFile(join(img, `im-${String(i).padStart(2, '0')}.png`), await plantedImage(900, 700, [{ x: 10 + 7 * i, y: 20, w: 80, h: 80, colour: i % 2 ? RED : BLUE }]));
  srv = await serveProject(d);
  await srv.client.call('project.addFolder', { folder: img });
  return srv;
}

describe('search over RPC', () => {
  it('ranks only the images of the filter; the second search takes every region from the cache', async () => {
    const s = await served(6);
    const ids = (await s.client.call('images.query', {})).items.map((i) => i.id);
    // Filter: reviewed images only (two red, one blue).
    for (const id of [ids[1], ids[2], ids[3]]) await s.client.call('images.setStatus', { id, status: 'reviewed' });
    const nav = { status: ['reviewed' as const] };
    const progress: { done: number; total: number }[] = [];
    s.client.on('search.progress', (p) => {
      if (p.searchId === 'one') progress.push(p);
    });
    const r = await s.client.call('search.run', { searchId: 'one', pack: 'uniter-fixture', text: 'red', nav });
    expect(r.cancelled).toBe(false);
    expect(r.searched).toBe(3);
    expect(r.hits.map((h) => h.name)).toEqual(['im-01.png', 'im-03.png', 'im-02.png']);
    expect(r.hits[0].rankLogit).toBeGreaterThan(r.hits[2].rankLogit);
    expect(r.hits[0].sigmoidOfRankLogit).toBeCloseTo(1 / (1 + Math.exp(-r.hits[0].rankLogit)), 9);
    expect([r.computedRegions, r.cachedRegions]).toEqual([3, 0]);
    expect(progress.at(-1)).toEqual({ searchId: 'one', done: 3, total: 3 });

    const all = await s.client.call('search.run', { searchId: 'two', pack: 'uniter-fixture', text: 'blue' });
    expect(all.searched).toBe(6);
    expect([all.computedRegions, all.cachedRegions]).toEqual([3, 3]);
    expect(all.hits.slice(0, 3).map((h) => h.name)).toEqual(['im-00.png', 'im-02.png', 'im-04.png']);
  });

  it('a new search cancels the running one, which answers with its partial ranking', async () => {
    const s = await served(24);
    let started!: () => void;
    const firstRanked = new Promise<void>((res) => (started = res));
    s.client.on('search.progress', (p) => {
      if (p.searchId === 'long' && p.done >= 1) started();
    });
    const long = s.client.call('search.run', { searchId: 'long', pack: 'uniter-fixture', text: 'red', limit: 100 });
    await firstRanked;
    const next = await s.client.call('search.run', { searchId: 'next', pack: 'uniter-fixture', text: 'blue', limit: 100 });
    const partial = await long;
    expect(partial.cancelled).toBe(true);
    expect(partial.searched).toBe(24);
    expect(partial.hits.length).toBeGreaterThan(0);
    expect(partial.hits.length).toBeLessThan(24);
    expect(next.cancelled).toBe(false);
    expect(next.hits).toHaveLength(24);
    expect(next.cachedRegions).toBe(partial.hits.length);
    // Cancelling a search that already ended says so.
    expect(await s.client.call('search.cancel', { searchId: 'long' })).toEqual({ cancelled: false });
  });

  it('an image that fails is listed with its reason and the search goes on; a pack that is not uniter is refused', async () => {
    const s = await served(3);
    const [first] = (await s.client.call('images.query', {})).items;
    const file = s.project.imageFile(first.id)!.path;
    await writeFile(file, 'damaged after it was added');
    const r = await s.client.call('search.run', { searchId: 'f', pack: 'uniter-fixture', text: 'red' });
    expect(r.failed).toEqual([{ imageId: first.id, name: 'im-00.png', error: expect.stringContaining('could not be decoded') }]);
    expect(r.hits).toHaveLength(2);
    await expect(s.client.call('search.run', { searchId: 'g', pack: 'glip-fixture', text: 'red' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('search needs a uniter pack'),
    });
  });
});
