import { describe, expect, it } from 'vitest';
import { connectedComponents, labelComponents } from './index';
import { bits, fromAscii, prng, randomMask } from '../../testing/mask-refs';
import type { BinaryMask } from './types';

/** Reference: breadth-first flood fill from each unlabelled pixel in raster order. */
function floodLabels(m: BinaryMask, conn: 4 | 8): number[] {
  const { width: w, height: h } = m;
  const lab = new Array<number>(w * h).fill(0);
  const nb =
    conn === 4
      ? [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]
      : [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
          [1, 1],
          [1, -1],
          [-1, 1],
          [-1, -1],
        ];
  let next = 0;
  for (let i = 0; i < w * h; i++) {
    if (!m.data[i] || lab[i]) continue;
    lab[i] = ++next;
    const queue = [i];
    while (queue.length) {
      const p = queue.pop()!;
      const x = p % w;
      const y = (p - x) / w;
      for (const [dx, dy] of nb) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const q = ny * w + nx;
        if (m.data[q] && !lab[q]) {
          lab[q] = next;
          queue.push(q);
        }
      }
    }
  }
  return lab;
}

describe('connectedComponents', () => {
  const x = fromAscii('#.#', '.#.', '#.#');

  it('8-connectivity joins diagonal neighbours', () => {
    const comps = connectedComponents(x, 8);
    expect(comps).toHaveLength(1);
    expect(bits(comps[0])).toEqual(bits(x));
  });

  it('4-connectivity keeps them apart, numbered in raster order of first pixel', () => {
    const comps = connectedComponents(x, 4);
    expect(comps.map((c) => c.data.indexOf(1))).toEqual([0, 2, 4, 6, 8]);
    for (const c of comps) expect(bits(c).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('merges provisional labels that meet later (a U shape)', () => {
    // The two arms get different labels on row 0 and meet on row 2.
    const u = fromAscii('#.#', '#.#', '###', '...', '.##');
    const comps = connectedComponents(u, 4);
    expect(comps).toHaveLength(2);
    expect(bits(comps[0])).toEqual(bits(fromAscii('#.#', '#.#', '###', '...', '...')));
    expect(bits(comps[1])).toEqual(bits(fromAscii('...', '...', '...', '...', '.##')));
  });

  it('agrees with a flood fill on random masks', () => {
    const rnd = prng(21);
    for (let it = 0; it < 60; it++) {
      const w = 1 + Math.floor(rnd() * 40);
      const h = 1 + Math.floor(rnd() * 40);
      const m = randomMask(w, h, rnd(), rnd);
      for (const conn of [4, 8] as const) {
        const { labels, count } = labelComponents(m, conn);
        const ref = floodLabels(m, conn);
        expect(Array.from(labels)).toEqual(ref);
        expect(count).toBe(Math.max(0, ...ref));
      }
    }
  });

  it('handles empty and degenerate masks', () => {
    expect(connectedComponents({ width: 0, height: 0, data: new Uint8Array(0) }, 8)).toEqual([]);
    expect(connectedComponents(fromAscii('...'), 8)).toEqual([]);
    expect(() => connectedComponents(fromAscii('#'), 6 as 4)).toThrow(/connectivity must be 4 or 8/);
  });
});
