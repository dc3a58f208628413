/**
 * Round trips mask -> COCO polygons -> pycocotools rasterisation.
 *
 * Why we can assert exact equality (not just IoU >= 0.9): our polygons run along pixel
 * boundaries, so every vertex is an integer and upsamples to a multiple of 5. In rleFrPoly
 * a vertical edge at x = X never changes u, so it records nothing; a horizontal edge at
 * y = Y from x = a to b steps u through 5n+2 -> 5n+3 exactly for columns n in [a, b), each
 * at row ceil((5Y + .5)/5 - .5) = ceil(Y - 0.4) = Y. So a pixel square [x0,x1)×[y0,y1)
 * toggles rows y0 and y1 in columns x0..x1-1: exactly its pixels, no rounding. Any union
 * of pixel-boundary contours behaves the same under the even-odd rule, and the keyhole
 * bridges are vertical at integer x, hence invisible. So rasterising gives the mask back
 * pixel for pixel, for any mask.
 */
import { describe, expect, it } from 'vitest';
import { decodeRle, maskToCocoPolygons, rasterizePolygons, traceContours } from './index';
import { bits, blank, ellipses, fromAscii, pixelArea, prng, randomMask, shoelace } from '../../testing/mask-refs';
import type { BinaryMask } from './types';

function roundTrip(m: BinaryMask, conn: 4 | 8 = 8): BinaryMask {
  return decodeRle(rasterizePolygons(maskToCocoPolygons(m, conn), m.height, m.width));
}

describe('traceContours', () => {
  it('a single pixel gives its unit square, clockwise on screen from the top-left', () => {
    const m = fromAscii('....', '..#.', '....');
    expect(traceContours(m)).toEqual([{ outer: [2, 1, 3, 1, 3, 2, 2, 2], holes: [] }]);
  });

  it('keeps only corners (no collinear points) and follows the image border', () => {
    const full = blank(5, 3);
    full.data.fill(1);
    expect(traceContours(full)).toEqual([{ outer: [0, 0, 5, 0, 5, 3, 0, 3], holes: [] }]);
    // An L: six corners.
    expect(traceContours(fromAscii('#..', '#..', '###'))[0].outer).toEqual([
      0, 0, 1, 0, 1, 2, 3, 2, 3, 3, 0, 3,
    ]);
  });

  it('gives holes counter-clockwise on screen (negative shoelace area)', () => {
    const m = fromAscii('.......', '.#####.', '.#####.', '.##.##.', '.#####.', '.#####.', '.......');
    const [c] = traceContours(m);
    expect(c.outer).toEqual([1, 1, 6, 1, 6, 6, 1, 6]);
    // The hole pixel (3,3): traced leftwards along its top, with the ring on the right.
    expect(c.holes).toEqual([[4, 3, 3, 3, 3, 4, 4, 4]]);
    expect(shoelace(c.outer)).toBe(25);
    expect(shoelace(c.holes[0])).toBe(-1);
  });

  it('8-connectivity: diagonal pixels form one contour that touches itself at the corner', () => {
    const m = fromAscii('#.', '.#');
    expect(traceContours(m, 8)).toEqual([
      { outer: [0, 0, 1, 0, 1, 1, 2, 1, 2, 2, 1, 2, 1, 1, 0, 1], holes: [] },
    ]);
    expect(traceContours(m, 4)).toEqual([
      { outer: [0, 0, 1, 0, 1, 1, 0, 1], holes: [] },
      { outer: [1, 1, 2, 1, 2, 2, 1, 2], holes: [] },
    ]);
  });

  it('a component inside a hole is its own entry, not part of the hole', () => {
    const m = fromAscii('#####', '#...#', '#.#.#', '#...#', '#####');
    expect(traceContours(m)).toEqual([
      { outer: [0, 0, 5, 0, 5, 5, 0, 5], holes: [[1, 1, 1, 4, 4, 4, 4, 1]] },
      { outer: [2, 2, 3, 2, 3, 3, 2, 3], holes: [] },
    ]);
  });

  it('signed areas add up to the pixel count on random masks', () => {
    const rnd = prng(4);
    for (let it = 0; it < 40; it++) {
      const m = randomMask(1 + Math.floor(rnd() * 30), 1 + Math.floor(rnd() * 30), rnd(), rnd);
      for (const conn of [4, 8] as const) {
        let area = 0;
        for (const c of traceContours(m, conn)) {
          expect(shoelace(c.outer)).toBeGreaterThan(0);
          area += shoelace(c.outer);
          for (const h of c.holes) {
            expect(shoelace(h)).toBeLessThan(0);
            area += shoelace(h);
          }
        }
        expect(area).toBe(pixelArea(m));
      }
    }
  });

  it('returns nothing for an empty mask', () => {
    expect(traceContours(blank(4, 4))).toEqual([]);
    expect(maskToCocoPolygons(blank(0, 0))).toEqual([]);
  });
});

describe('maskToCocoPolygons', () => {
  it('joins a hole with a vertical keyhole bridge from its top-left corner', () => {
    const m = fromAscii('.......', '.#####.', '.#####.', '.##.##.', '.#####.', '.#####.', '.......');
    // Up from (3,3) along x=3 to the outline's top edge at (3,1); down, around the hole from
    // its top-left corner, back to it, up, and on along the outline.
    expect(maskToCocoPolygons(m)).toEqual([
      [1, 1, 3, 1, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 1, 6, 1, 6, 6, 1, 6],
    ]);
    expect(bits(roundTrip(m))).toEqual(bits(m));
  });

  it('bridges a lower hole to the hole above it when that is the nearest boundary', () => {
    // Holes A (1,1), B (3,1), C (1,3). C's bridge goes up x=1 and meets A's bottom at (1,2).
    const m = fromAscii('#####', '#.#.#', '#####', '#.###', '#####');
    // prettier-ignore
    expect(maskToCocoPolygons(m)).toEqual([[
      0, 0,
      1, 0, 1, 1, 1, 2, /* down to A, A's left side, on to C's bridge foot */
      1, 3, 1, 4, 2, 4, 2, 3, 1, 3, /* around C */
      1, 2, 2, 2, 2, 1, 1, 1, 1, 0, /* rest of A, back up */
      3, 0, 3, 1, 3, 2, 4, 2, 4, 1, 3, 1, 3, 0, /* B */
      5, 0, 5, 5, 0, 5,
    ]]);
    expect(bits(roundTrip(m))).toEqual(bits(m));
    expect(shoelace(maskToCocoPolygons(m)[0])).toBe(22);
  });

  it('gives one polygon per component; a component inside a hole stays separate', () => {
    const m = fromAscii('#####', '#...#', '#.#.#', '#...#', '#####');
    expect(maskToCocoPolygons(m)).toEqual([
      [0, 0, 1, 0, 1, 1, 1, 4, 4, 4, 4, 1, 1, 1, 1, 0, 5, 0, 5, 5, 0, 5],
      [2, 2, 3, 2, 3, 3, 2, 3],
    ]);
    expect(bits(roundTrip(m))).toEqual(bits(m));
  });

  const shapes: Record<string, BinaryMask> = {
    square: fromAscii('......', '.####.', '.####.', '.####.', '.####.', '......'),
    'square with a hole': fromAscii('......', '.####.', '.#..#.', '.#..#.', '.####.', '......'),
    'two components': fromAscii('##....', '##....', '......', '...###', '...###'),
    'diagonal line': fromAscii('#....', '.#...', '..#..', '...#.', '....#'),
    'anti-diagonal staircase': fromAscii('....##', '...##.', '..##..', '.##...', '##....'),
    checkerboard: fromAscii('#.#.#', '.#.#.', '#.#.#', '.#.#.'),
    '1 pixel': fromAscii('...', '.#.', '...'),
    'touching the border': fromAscii('###', '#.#', '###'),
    'hole touching the outline at a corner': fromAscii('#####', '#.###', '##..#', '#####'),
    'full image': fromAscii('####', '####'),
    'ring with an island': fromAscii(
      '#######',
      '#.....#',
      '#.###.#',
      '#.#.#.#',
      '#.###.#',
      '#.....#',
      '#######',
    ),
  };
  for (const [name, m] of Object.entries(shapes)) {
    it(`reproduces "${name}" exactly through pycocotools rasterisation (8- and 4-connectivity)`, () => {
      expect(bits(roundTrip(m, 8))).toEqual(bits(m));
      expect(bits(roundTrip(m, 4))).toEqual(bits(m));
      for (const p of maskToCocoPolygons(m)) {
        expect(p.length % 2).toBe(0);
        expect(p.length).toBeGreaterThanOrEqual(8);
      }
    });
  }

  it('uses 4-connectivity on request: diagonal pixels become separate polygons', () => {
    const m = fromAscii('#.', '.#');
    expect(maskToCocoPolygons(m, 8)).toHaveLength(1);
    expect(maskToCocoPolygons(m, 4)).toHaveLength(2);
  });

  it('reproduces random masks exactly, and their areas', () => {
    const rnd = prng(77);
    for (let it = 0; it < 60; it++) {
      const m = randomMask(1 + Math.floor(rnd() * 25), 1 + Math.floor(rnd() * 25), rnd(), rnd);
      for (const conn of [4, 8] as const) {
        const polys = maskToCocoPolygons(m, conn);
        expect(bits(decodeRle(rasterizePolygons(polys, m.height, m.width)))).toEqual(bits(m));
        // Bridges cancel and holes count negative, so the shoelace sum is the pixel area.
        expect(polys.reduce((s, p) => s + shoelace(p), 0)).toBe(pixelArea(m));
      }
    }
  });

  it('reproduces a 1920×1080 mask with rings and islands exactly', () => {
    const w = 1920;
    const h = 1080;
    const m = ellipses(w, h, [
      [500, 500, 300, 250],
      [1400, 400, 200, 300],
      [1000, 950, 500, 100],
    ]);
    // Punch holes, then put islands back inside some of them.
    const holes = ellipses(w, h, [
      [500, 500, 150, 120],
      [1400, 350, 80, 60],
      [1400, 550, 60, 90],
    ]);
    const islands = ellipses(w, h, [[500, 500, 40, 30]]);
    for (let i = 0; i < m.data.length; i++)
      m.data[i] = (m.data[i] && !holes.data[i]) || islands.data[i] ? 1 : 0;
    const back = roundTrip(m);
    expect(Buffer.from(back.data).equals(Buffer.from(m.data))).toBe(true);
  });
});
