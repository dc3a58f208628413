/** The region-feature cache file format, float16, damaged files and LRU eviction under the size cap. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTmp } from '../../testing/tmp';
import { decodeRegionSet, encodeRegionSet, RegionFeatureCache } from './feature-cache';
import { fromHalf, toHalf } from './float16';
import type { RegionSet } from './scorer';

const tmp = useTmp();

function regionSet(seed: number, count = 3, dim = 8): RegionSet {
  return {
    width: 640,
    height: 480,
    count,
    dim,
    boxes: Float32Array.from({ length: 4 * count }, (_, i) => seed + i * 1.5),
    scores: Float32Array.from({ length: count }, (_, i) => 0.9 - i * 0.1),
    features: Float32Array.from({ length: count * dim }, (_, i) => ((i % 7) - 3) * 0.25 + seed),
  };
}
const KEY = (n: number) => n.toString(16).padStart(64, '0');

describe('float16', () => {
  it('hand-worked values: exact, rounded to nearest even, subnormal, overflow', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(0.5)).toBe(0x3800);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(70000)).toBe(0x7c00);
    expect(toHalf(2 ** -24)).toBe(0x0001);
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties to even (1).
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3·2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9: up to the even one.
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(fromHalf(0x3555)).toBeCloseTo(1 / 3, 3);
    expect(fromHalf(0x0001)).toBe(2 ** -24);
    expect(Number.isNaN(fromHalf(toHalf(NaN)))).toBe(true);
  });
});

describe('cache file', () => {
  it('round-trips: boxes and scores exact, features to float16', () => {
    const set = regionSet(2);
    const back = decodeRegionSet(Buffer.from(encodeRegionSet(set)))!;
    expect(back.boxes).toEqual(set.boxes);
    expect(back.scores).toEqual(set.scores);
    // These features (multiples of 0.25 around 2) are exact in float16.
    expect(back.features).toEqual(set.features);
    expect([back.width, back.height, back.count, back.dim]).toEqual([640, 480, 3, 8]);
  });
  it('a cut-short or altered file decodes to nothing', () => {
    const bytes = Buffer.from(encodeRegionSet(regionSet(1)));
    expect(decodeRegionSet(bytes.subarray(0, bytes.length - 1))).toBeNull();
    const flipped = Buffer.from(bytes);
    flipped[30] ^= 1;
    expect(decodeRegionSet(flipped)).toBeNull();
    expect(decodeRegionSet(Buffer.alloc(0))).toBeNull();
  });
});

describe('RegionFeatureCache', () => {
  it('evicts the least recently used files over the cap, keeping the one just written', async () => {
    const dir = join(tmp(), 'cache');
    const size = encodeRegionSet(regionSet(0)).byteLength;
    const cache = new RegionFeatureCache(dir, 2 * size);
    await cache.put(KEY(1), regionSet(1));
    await cache.put(KEY(2), regionSet(2));
    expect(await cache.get(KEY(1))).not.toBeNull(); // 1 is now more recent than 2
    await cache.put(KEY(3), regionSet(3));
    expect(cache.stats.evicted).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([`${KEY(1)}.lwr`, `${KEY(3)}.lwr`]);
    expect(await cache.get(KEY(2))).toBeNull();
  });
  it('a damaged file is a miss, counted, and removed', async () => {
    const dir = join(tmp(), 'cache');
    const cache = new RegionFeatureCache(dir);
    await cache.put(KEY(7), regionSet(7));
    const file = join(dir, `${KEY(7)}.lwr`);
    writeFileSync(file, readFileSync(file).subarray(0, 50));
    expect(await cache.get(KEY(7))).toBeNull();
    expect(cache.stats).toMatchObject({ corrupt: 1, misses: 1, hits: 0 });
    expect(readdirSync(dir)).toEqual([]);
  });
});
