/**
 * Expected values are worked out by hand from pycocotools' rleFrPoly (see polygon.ts):
 * vertices scaled by 5 and truncated after +.5; a boundary is recorded in pixel column n
 * where the upsampled walk steps between u = 5n+2 and 5n+3, at row
 * ceil((min(v, v_prev) + .5)/5 - .5) clamped to [0, h]; boundaries toggle the column.
 */
import { describe, expect, it } from 'vitest';
import { decodeRle, rasterizePolygons, rleArea, rleBbox } from './index';
import { bits, fromAscii, prng } from '../../testing/mask-refs';

describe('rasterizePolygons: hand-derived pycocotools values', () => {
  it('square with integer corners covers exactly its pixels (area 100)', () => {
    // [0,10]²: the top edge y=0 runs u = 0..50, crossing 5n+2 -> 5n+3 for n = 0..9 at
    // v = 0: row 0.5/5 - .5 = -0.4, clamped to 0. The bottom edge y=10 (v=50) gives
    // 50.5/5 - .5 = 9.6 -> ceil 10. Vertical edges never change u. So columns 0..9 toggle
    // at rows 0 and 10: exactly the 100 pixels of [0,10)².
    const rle = rasterizePolygons([[0, 0, 10, 0, 10, 10, 0, 10]], 20, 20);
    expect(rleArea(rle)).toBe(100);
    expect(rleBbox(rle)).toEqual([0, 0, 10, 10]);
  });

  it('right triangle (0,0) (10,0) (0,10) has area 45, not 50', () => {
    // The hypotenuse (50,0)->(0,50) upsampled: dx = dy = 50, walked from u = 50 down to 0
    // with v = 50 - u. Stepping from u = 5n+3 to 5n+2 records column n at
    // min(v) = 50 - (5n+3) = 47 - 5n -> (47 - 5n + .5)/5 - .5 = 9 - n -> row 9 - n.
    // The top edge toggles row 0 in columns 0..9, so column n holds rows [0, 9-n):
    // 9 + 8 + ... + 0 = 45. (That is the pixel-centre rule: centre (n+.5, r+.5) is inside
    // x + y < 10 iff r < 9 - n.)
    const rle = rasterizePolygons([[0, 0, 10, 0, 0, 10]], 20, 20);
    expect(rleArea(rle)).toBe(45);
    expect(rleBbox(rle)).toEqual([0, 0, 9, 9]);
    const m = decodeRle(rle);
    for (let n = 0; n < 10; n++) {
      let col = 0;
      for (let r = 0; r < 20; r++) col += m.data[r * 20 + n];
      expect(col).toBe(9 - n);
    }
  });

  it('fractional square [0.3, 2.7]² covers the 3×3 pixels whose centres it contains', () => {
    // 5*0.3+.5 = 2, 5*2.7+.5 = 14: u runs 2..14, crossing for n = 0, 1, 2 (5n+3 <= 14).
    // Top v = 2 -> ceil(2.5/5 - .5) = ceil(0) = 0; bottom v = 14 -> ceil(14.5/5 - .5) =
    // ceil(2.4) = 3. Rows [0, 3) in columns 0..2.
    const rle = rasterizePolygons([[0.3, 0.3, 2.7, 0.3, 2.7, 2.7, 0.3, 2.7]], 5, 5);
    expect(bits(decodeRle(rle))).toEqual(bits(fromAscii('###..', '###..', '###..', '.....', '.....')));
  });

  it('a centre exactly on the left/top edge is out, on the right/bottom edge in', () => {
    // [0.5, 2.5]²: 5*0.5+.5 = 3, 5*2.5+.5 = 13. u runs 3..13: the 2 -> 3 step of column 0
    // is not walked, so columns 1, 2. Top v = 3 -> ceil(3.5/5 - .5) = ceil(0.2) = 1;
    // bottom v = 13 -> ceil(13.5/5 - .5) = ceil(2.2) = 3. Pixels (1..2, 1..2): area 4.
    const rle = rasterizePolygons([[0.5, 0.5, 2.5, 0.5, 2.5, 2.5, 0.5, 2.5]], 5, 5);
    expect(rleArea(rle)).toBe(4);
    expect(rleBbox(rle)).toEqual([1, 1, 2, 2]);
  });

  it('clips to the image: square [-5, 5]² in a 10×10 image keeps [0, 5)²', () => {
    // 5*(-5)+.5 = -24.5 truncates (toward zero, as C does) to -24; 5*5+.5 -> 25. Crossings
    // need 5n+2 >= 0 (n >= 0) and 5n+3 <= 25: columns 0..4. Top v = -24 -> row < 0 -> 0;
    // bottom v = 25 -> ceil(25.5/5 - .5) = ceil(4.6) = 5. Rows [0, 5).
    const rle = rasterizePolygons([[-5, -5, 5, -5, 5, 5, -5, 5]], 10, 10);
    expect(rleArea(rle)).toBe(25);
    expect(rleBbox(rle)).toEqual([0, 0, 5, 5]);
  });

  it('a keyhole polygon cuts a hole (even-odd within one polygon)', () => {
    // Outline [0,10]² with the hole [3,7]² joined by a vertical bridge at x = 3. Vertical
    // edges record nothing, so the bridge is invisible; horizontal edges toggle: y = 0 and
    // y = 10 in all columns, y = 3 and y = 7 in columns 3..6. Those columns hold rows
    // [0,3) and [7,10): 6 pixels. Area 6*10 + 4*6 = 84 = 100 - 16.
    const poly = [0, 0, 3, 0, 3, 3, 3, 7, 7, 7, 7, 3, 3, 3, 3, 0, 10, 0, 10, 10, 0, 10];
    const rle = rasterizePolygons([poly], 10, 10);
    expect(rleArea(rle)).toBe(84);
    const m = decodeRle(rle);
    expect(m.data[5 * 10 + 5]).toBe(0);
    expect(m.data[2 * 10 + 5]).toBe(1);
  });

  it('separate polygons are unioned: a polygon inside another does not cut a hole', () => {
    const rle = rasterizePolygons(
      [
        [0, 0, 10, 0, 10, 10, 0, 10],
        [3, 3, 7, 3, 7, 7, 3, 7],
      ],
      10,
      10,
    );
    expect(rleArea(rle)).toBe(100);
    // Overlapping squares: 10*10 + 10*10 - 5*5.
    const two = rasterizePolygons(
      [
        [0, 0, 10, 0, 10, 10, 0, 10],
        [5, 5, 15, 5, 15, 15, 5, 15],
      ],
      20,
      20,
    );
    expect(rleArea(two)).toBe(175);
    expect(rleBbox(two)).toEqual([0, 0, 15, 15]);
  });

  it('unions many polygons: integer rectangles give exactly the pixels they cover', () => {
    // Each rectangle [x0,x1)×[y0,y1) rasterises to its pixels (see the square above); the
    // union of 60 must match filling them directly. Exercises merging many RLEs.
    const rnd = prng(60);
    const w = 37;
    const h = 29;
    const expected = new Array<number>(w * h).fill(0);
    const polys: number[][] = [];
    for (let i = 0; i < 60; i++) {
      const x0 = Math.floor(rnd() * w);
      const y0 = Math.floor(rnd() * h);
      const x1 = Math.min(w, x0 + 1 + Math.floor(rnd() * 6));
      const y1 = Math.min(h, y0 + 1 + Math.floor(rnd() * 6));
      polys.push([x0, y0, x1, y0, x1, y1, x0, y1]);
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) expected[y * w + x] = 1;
    }
    expect(bits(decodeRle(rasterizePolygons(polys, h, w)))).toEqual(expected);
  });

  it('repeated vertices change nothing', () => {
    const a = rasterizePolygons([[0, 0, 0, 0, 10, 0, 10, 10, 10, 10, 0, 10]], 12, 12);
    const b = rasterizePolygons([[0, 0, 10, 0, 10, 10, 0, 10]], 12, 12);
    expect(a).toEqual(b);
  });

  it('vertex order and direction do not matter', () => {
    const cw = rasterizePolygons([[1.2, 0.7, 8.9, 2.3, 5.1, 9.6]], 12, 12);
    const ccw = rasterizePolygons([[5.1, 9.6, 8.9, 2.3, 1.2, 0.7]], 12, 12);
    const rotated = rasterizePolygons([[8.9, 2.3, 5.1, 9.6, 1.2, 0.7]], 12, 12);
    expect(ccw).toEqual(cw);
    expect(rotated).toEqual(cw);
  });

  it('produces the string pycocotools gives for the 10×10 triangle', () => {
    // Column n holds rows [0, 9-n) of 10: runs [0, 9, 1, 8, 2, 7, ..., 8, 1, 19] (column 9
    // is empty, so the last zero run is column 8's 9 zeros plus column 9's 10).
    // String: '0', '9', '1', then deltas against i-2 from i=3: 8-9 = -1 -> 31 + 48 = 'O',
    // 2-1 = 1 -> '1', 7-8 -> 'O', 3-2 -> '1', ..., 1-2 -> 'O', and 19-8 = 11 -> 48+11 = ';'.
    const rle = rasterizePolygons([[0, 0, 10, 0, 0, 10]], 10, 10);
    expect(rle.counts).toBe('091O1O1O1O1O1O1O1O;');
  });

  it('an empty polygon list is an empty mask', () => {
    const rle = rasterizePolygons([], 4, 6);
    expect(rleArea(rle)).toBe(0);
    expect(decodeRle(rle).data.length).toBe(24);
  });

  it('rejects malformed polygons, naming the problem', () => {
    expect(() => rasterizePolygons([[0, 0, 10, 0, 10]], 10, 10)).toThrow(
      /polygon 0 has an odd number of coordinates \(5\)/,
    );
    expect(() =>
      rasterizePolygons(
        [
          [0, 0, 10, 0, 10, 10, 0, 10],
          [0, 0, 10, 0],
        ],
        10,
        10,
      ),
    ).toThrow(/polygon 1 has 2 points; a polygon needs at least 3/);
    expect(() => rasterizePolygons([[0, 0, 10, NaN, 10, 10]], 10, 10)).toThrow(
      /coordinate 3 is NaN, not a finite number/,
    );
    expect(() => rasterizePolygons([[0, 0, 1e12, 0, 10, 10]], 10, 10)).toThrow(/beyond/);
    expect(() => rasterizePolygons([[0, 0, 1, 0, 1, 1]], -1, 10)).toThrow(/non-negative integers/);
  });
});
