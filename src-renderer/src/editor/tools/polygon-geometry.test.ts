import { describe, expect, it } from 'vitest';
import { decodeRle, rasterizePolygons, rleArea, type BinaryMask } from '../../../../src-main/shared/masks';
import {
  editedRings,
  hitEdge,
  hitVertex,
  insertVertex,
  outlineOf,
  removeVertex,
  ringsToRle,
  shoelace,
  withVertex,
} from './polygon-geometry';

/** A regular hexagon around (cx, cy), clockwise on screen, at non-integer corners. */
function hexagon(cx: number, cy: number, r: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t = (i * Math.PI) / 3 + 0.1;
    out.push(cx + r * Math.cos(t), cy + r * Math.sin(t));
  }
  return out;
}

function mask(width: number, height: number, on: (x: number, y: number) => boolean): BinaryMask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (on(x, y)) data[y * width + x] = 1;
  return { width, height, data };
}

describe('polygon geometry', () => {
  it('one ring rasterises exactly as pycocotools frPyObjects (rasterizePolygons)', () => {
    const ring = hexagon(60.3, 41.7, 30);
    expect(ringsToRle([ring], 90, 120)).toEqual(rasterizePolygons([ring], 90, 120));
  });

  it("a drawn hexagon's raster is within 1% of its shoelace area", () => {
    const ring = hexagon(100, 80, 60);
    const area = rleArea(ringsToRle([ring], 200, 220));
    expect(Math.abs(area - Math.abs(shoelace(ring))) / Math.abs(shoelace(ring))).toBeLessThan(0.01);
  });

  it('a traced outline (holes, an island in a hole, two parts) rasterises back to exactly the mask', () => {
    const m = mask(80, 60, (x, y) => {
      const d = Math.hypot(x + 0.5 - 30, y + 0.5 - 30);
      const ring = d <= 25 && d > 12; // a disc with a hole
      const island = d <= 5; // inside the hole
      const other = x >= 62 && x < 75 && y >= 10 && y < 50 && !(x >= 66 && x < 70 && y >= 20 && y < 30);
      return ring || island || other;
    });
    const o = outlineOf(m);
    expect(o.exact.length).toBe(5); // disc outer + hole + island, rectangle outer + hole
    expect(Array.from(decodeRle(ringsToRle(o.exact, 60, 80)).data)).toEqual(Array.from(m.data));
  });

  it('simplifies the staircase of a rasterised hexagon back to its six corners', () => {
    const hex = hexagon(100, 90, 70);
    const o = outlineOf(decodeRle(rasterizePolygons([hex], 200, 200)));
    expect(o.shown.length).toBe(1);
    const shown = o.shown[0];
    expect(shown.length / 2).toBeLessThanOrEqual(10);
    for (let i = 0; i < 12; i += 2) {
      const near = hitVertex([shown], { x: hex[i], y: hex[i + 1] }, 2.5);
      expect(near, `corner ${i / 2}`).not.toBeNull();
    }
    // Few vertices, still the same shape: within 1% of the area.
    expect(Math.abs(Math.abs(shoelace(shown)) - Math.abs(shoelace(hex))) / Math.abs(shoelace(hex))).toBeLessThan(0.01);
  });

  it('moving one vertex changes the area by the triangle it sweeps', () => {
    const square = [20, 20, 120, 20, 120, 120, 20, 120];
    const o = outlineOf(decodeRle(rasterizePolygons([square], 200, 200)));
    const v = hitVertex(o.shown, { x: 120, y: 120 }, 1)!;
    const moved = withVertex(o.shown[v.ring], v.index, { x: 160, y: 120 });
    const area = rleArea(ringsToRle(editedRings(o, v.ring, moved), 200, 200));
    // The square plus the triangle (120,20)-(160,120)-(120,120): 10000 + 2000.
    expect(Math.abs(area - 12000) / 12000).toBeLessThan(0.01);
  });

  it('hit tests, inserts and removes vertices', () => {
    const ring = [0, 0, 10, 0, 10, 10, 0, 10];
    expect(hitVertex([ring], { x: 9, y: 1 }, 2)).toEqual({ ring: 0, index: 1 });
    expect(hitVertex([ring], { x: 5, y: 5 }, 2)).toBeNull();
    const e = hitEdge([ring], { x: 5, y: 1 }, 2)!;
    expect(e).toEqual({ ring: 0, index: 0, point: { x: 5, y: 0 } });
    expect(insertVertex(ring, e.index, e.point)).toEqual([0, 0, 5, 0, 10, 0, 10, 10, 0, 10]);
    expect(removeVertex(ring, 1)).toEqual([0, 0, 10, 10, 0, 10]);
    expect(removeVertex([0, 0, 1, 0, 1, 1], 0)).toBeNull();
  });

  it('removing a ring drops it; removing every ring leaves an empty mask', () => {
    const o = outlineOf(decodeRle(rasterizePolygons([[10, 10, 30, 10, 30, 30, 10, 30]], 50, 50)));
    expect(rleArea(ringsToRle(editedRings(o, 0, null), 50, 50))).toBe(0);
  });
});
