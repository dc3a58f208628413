/**
 * COCO mask codecs on a 1920×1080 mask: our RLE encoder/decoder against a straightforward
 * column-scan encoder (written here, the way one would port maskApi.c's rleEncode to a
 * row-major buffer), in the same process so the ratio is meaningful.
 */
import {
  decodeCounts,
  decodeRle,
  encodeCounts,
  encodeMask,
  maskToCocoPolygons,
  rasterizePolygons,
} from '../src-main/shared/masks';
import type { BinaryMask } from '../src-main/shared/masks';
import { median, type BenchResult } from './types';

const W = 1920;
const H = 1080;

let naiveScratch = new Uint32Array(0);

/** Visit pixels in column-major order and count runs: one strided read per pixel. */
function naiveEncode(m: BinaryMask): Uint32Array {
  const { width: w, height: h, data } = m;
  // Reused like our encoder's scratch, so neither side pays for 8 MB of garbage per call.
  if (naiveScratch.length < w * h + 1) naiveScratch = new Uint32Array(w * h + 1);
  const out = naiveScratch;
  let k = 0;
  let prev = 0;
  let run = 0;
  for (let x = 0; x < w; x++) {
    for (let i = x, end = x + h * w; i < end; i += w) {
      const v = data[i] !== 0 ? 1 : 0;
      if (v !== prev) {
        out[k++] = run;
        run = 0;
        prev = v;
      }
      run++;
    }
  }
  out[k++] = run;
  return out.slice(0, k);
}

function blobs(): BinaryMask {
  const data = new Uint8Array(W * H);
  const list: [number, number, number, number][] = [
    [420, 380, 260, 200],
    [1250, 620, 380, 300],
    [1700, 180, 140, 100],
    [900, 950, 220, 90],
    [200, 900, 90, 140],
  ];
  for (const [cx, cy, rx, ry] of list)
    for (let y = Math.max(0, cy - ry); y <= Math.min(H - 1, cy + ry); y++)
      for (let x = Math.max(0, cx - rx); x <= Math.min(W - 1, cx + rx); x++) {
        const dx = (x + 0.5 - cx) / rx;
        const dy = (y + 0.5 - cy) / ry;
        if (dx * dx + dy * dy <= 1) data[y * W + x] = 1;
      }
  return { width: W, height: H, data };
}

function noise(): BinaryMask {
  const data = new Uint8Array(W * H);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 31;
  }
  return { width: W, height: H, data };
}

/** Median wall time in µs of `runs` calls after `warm` untimed ones. */
function timeUs(fn: () => unknown, runs: number, warm = Math.max(5, runs >> 3)): number {
  for (let i = 0; i < warm; i++) fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  return median(xs);
}

function same(a: Uint32Array, b: Uint32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export default async function (): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const blob = blobs();
  const rnd = noise();
  for (const [label, m, runs] of [
    ['blobs', blob, 300],
    ['noise', rnd, 30],
  ] as const) {
    const counts = encodeCounts(m);
    if (!same(counts, naiveEncode(m))) throw new Error(`${label}: encoders disagree`);
    const ours = timeUs(() => encodeCounts(m), runs);
    const base = timeUs(() => naiveEncode(m), runs);
    const reuse = new Uint8Array(W * H);
    const decInto = timeUs(() => decodeCounts(counts, H, W, reuse), runs);
    const dec = timeUs(() => decodeCounts(counts, H, W), runs);
    const rle = encodeMask(m);
    const withString = timeUs(() => encodeMask(m), runs);
    const decString = timeUs(() => decodeRle(rle), runs);
    const note = `${W}×${H}, ${counts.length} runs`;
    out.push(
      { name: `RLE encode, ${label} (counts)`, value: ours, unit: 'µs/mask', note },
      { name: `RLE encode, ${label}, naive column scan (baseline)`, value: base, unit: 'µs/mask' },
      { name: `RLE encode, ${label}: speed-up vs naive`, value: base / ours, unit: '×' },
      {
        name: `RLE encode, ${label} (+ compressed string)`,
        value: withString,
        unit: 'µs/mask',
        note: `${rle.counts.length} chars`,
      },
      {
        name: `RLE decode, ${label} (counts -> new mask)`,
        value: dec,
        unit: 'µs/mask',
        note: 'includes first-touch page faults of a fresh 2 MB buffer',
      },
      { name: `RLE decode, ${label} (counts -> reused buffer)`, value: decInto, unit: 'µs/mask' },
      { name: `RLE decode, ${label} (string -> new mask)`, value: decString, unit: 'µs/mask' },
    );
  }
  const polys = maskToCocoPolygons(blob);
  const trace = timeUs(() => maskToCocoPolygons(blob), 30);
  const raster = timeUs(() => rasterizePolygons(polys, H, W), 100);
  const verts = polys.reduce((s, p) => s + p.length / 2, 0);
  out.push(
    {
      name: 'mask -> COCO polygons, blobs',
      value: trace,
      unit: 'µs/mask',
      note: `${polys.length} polygons, ${verts} vertices`,
    },
    { name: 'COCO polygons -> RLE (pycocotools rule), blobs', value: raster, unit: 'µs/mask' },
  );
  return out;
}
