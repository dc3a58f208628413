/**
 * The mask head appended to SAM decoders (decoder-head.ts) against the rule it replaces
 * (chooseMask + thresholdToRle, upstream's select_masks and `masks > 0`), on a decoder built
 * here whose outputs the test sets: iou_predictions are the first four point coordinates,
 * masks the first four embedding channels (64×64), low_res_masks the next four, tiled to 256.
 * Ties, several point counts, one-mask decoders, and the signed zeros and NaN of the threshold.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../tools/fixtures/onnx/builder';
import { createEngine, resolvePack } from '../engine';
import { DataType } from '../runtime/onnx-proto';
import { SessionPool } from '../runtime/session-pool';
import { plantedImage, RED } from '../../testing/planted-images';
import { decodeRle } from '../../shared/masks';
import { HEAD_OUTPUTS, withSamMaskHead } from './decoder-head';
import { chooseMask, thresholdToRle } from './transform';

const S = 64;

/** A decoder of the contract's I/O whose outputs are set by its inputs; K masks (4, or 1 as `--return-single-mask`). */
function settableDecoder(K: 1 | 4): Uint8Array {
  const g = new GraphBuilder('settable_decoder');
  const emb = g.input('image_embeddings', DataType.FLOAT, [1, 256, S, S]);
  const coords = g.input('point_coords', DataType.FLOAT, [1, 'num_points', 2]);
  g.input('point_labels', DataType.FLOAT, [1, 'num_points']);
  g.input('mask_input', DataType.FLOAT, [1, 1, 256, 256]);
  g.input('has_mask_input', DataType.FLOAT, [1]);
  g.input('orig_im_size', DataType.FLOAT, [2]);
  const flat = g.op('Reshape', [coords, g.constI64([1, -1])]);
  g.output('masks', g.slice(emb, 0, K, 1), DataType.FLOAT, [1, K, S, S]);
  g.output('iou_predictions', g.slice(flat, 0, K, 1), DataType.FLOAT, [1, K]);
  g.output('low_res_masks', g.op('Tile', [g.slice(emb, 4, 4 + K, 1), g.constI64([1, 1, 4, 4])]), DataType.FLOAT, [1, K, 256, 256]);
  return g.toBytes();
}

function feeds(emb: Float32Array, iou: number[], nPoints: number): Record<string, ort.Tensor> {
  const coords = new Float32Array(2 * nPoints);
  coords.set(iou.slice(0, 2 * nPoints));
  return {
    image_embeddings: new ort.Tensor('float32', emb, [1, 256, S, S]),
    point_coords: new ort.Tensor('float32', coords, [1, nPoints, 2]),
    point_labels: new ort.Tensor('float32', new Float32Array(nPoints).fill(1), [1, nPoints]),
    mask_input: new ort.Tensor('float32', new Float32Array(256 * 256), [1, 1, 256, 256]),
    has_mask_input: new ort.Tensor('float32', Float32Array.of(0), [1]),
    orig_im_size: new ort.Tensor('float32', Float32Array.of(S, S), [2]),
  };
}

/** Embeddings whose first eight channels differ, with the values a threshold can get wrong. */
function embeddings(seed: number): Float32Array {
  const e = new Float32Array(256 * S * S);
  let x = seed;
  for (let i = 0; i < 8 * S * S; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    e[i] = ((x >>> 8) % 2001) / 1000 - 1;
  }
  const special = [0, -0, NaN, -NaN, Infinity, -Infinity, 1e-45, -1e-45];
  special.forEach((v, j) => {
    for (let c = 0; c < 4; c++) e[c * S * S + j * 7] = v;
  });
  return e;
}

describe('SAM mask head: the choice and threshold inside the graph', () => {
  it('chooses and thresholds as chooseMask + thresholdToRle: 1–4 points, ties, every mask index', async () => {
    const plain = await ort.InferenceSession.create(settableDecoder(4));
    const headed = await ort.InferenceSession.create(withSamMaskHead(settableDecoder(4)));
    const cases: [number[], number][] = [
      [[0.9, 0.97, 0.95, 0.93], 2], // one click + padding: best of 1–3
      [[0.99, 0.5, 0.6, 0.7], 2], // a box: mask 0 out even at the highest IoU
      [[0.2, 0.1, 0.3, 0.3], 2], // a tie between 2 and 3: the first
      [[0.1, 0.9, 0.9, 0.9], 3], // three points: mask 0
      [[0.5, 0.5, 0.5, 0.5], 1], // one point, no padding: 0 − 1500 loses to 1
      [[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], 4],
    ];
    for (const [i, [iou, n]] of cases.entries()) {
      const emb = embeddings(i + 1);
      const f = feeds(emb, [...iou, 0, 0, 0, 0], n);
      const full = await plain.run(f);
      const scores = full.iou_predictions.data as Float32Array;
      const k = chooseMask(scores, n);
      const head = await headed.run(f, Object.values(HEAD_OUTPUTS));
      expect(Number((head[HEAD_OUTPUTS.index].data as BigInt64Array)[0])).toBe(k);
      expect(head[HEAD_OUTPUTS.mask].type).toBe('uint8');
      expect(Array.from(head[HEAD_OUTPUTS.mask].data as Uint8Array)).toEqual(Array.from(decodeRle(thresholdToRle(full.masks.data as Float32Array, k * S * S, S, S)).data));
      expect((head[HEAD_OUTPUTS.iou].data as Float32Array)[0]).toBe(scores[k]);
      expect(head[HEAD_OUTPUTS.lowRes].data).toEqual((full.low_res_masks.data as Float32Array).slice(k * 65536, (k + 1) * 65536));
    }
    await Promise.all([plain.release(), headed.release()]);
  });

  it('a one-mask decoder (K = 1) gives mask 0 whatever the point count', async () => {
    const headed = await ort.InferenceSession.create(withSamMaskHead(settableDecoder(1)));
    for (const n of [1, 2, 5]) {
      const emb = embeddings(n);
      const head = await headed.run(feeds(emb, [0.4, 0, 0, 0, 0, 0, 0, 0, 0, 0], n), Object.values(HEAD_OUTPUTS));
      expect(Number((head[HEAD_OUTPUTS.index].data as BigInt64Array)[0])).toBe(0);
      expect(Array.from(head[HEAD_OUTPUTS.mask].data as Uint8Array)).toEqual(Array.from(emb.subarray(0, S * S), (v) => (v > 0 ? 1 : 0)));
    }
    await headed.release();
  });

  it('leaves the decoder as it was: its own outputs come back unchanged beside the head', async () => {
    const bytes = settableDecoder(4);
    const plain = await ort.InferenceSession.create(bytes);
    const headed = await ort.InferenceSession.create(withSamMaskHead(bytes));
    expect(headed.outputNames).toEqual([...plain.outputNames, ...Object.values(HEAD_OUTPUTS)]);
    expect(headed.inputNames).toEqual(plain.inputNames);
    const f = feeds(embeddings(9), [0.3, 0.6, 0.2, 0.1], 2);
    const a = await plain.run(f);
    const b = await headed.run(f, ['masks', 'iou_predictions', 'low_res_masks']);
    for (const name of plain.outputNames) expect(b[name].data).toEqual(a[name].data);
    await Promise.all([plain.release(), headed.release()]);
  });

  it('the fixture pack decodes with the head; a graph the head does not load on is used as it is, and masks are the same', async () => {
    const engine = await createEngine({ pack: 'sam-fixture' });
    const img = await plantedImage(640, 480, [{ x: 100, y: 120, w: 200, h: 150, colour: RED }], { bg: { r: 255, g: 255, b: 255 } });
    const prompts = [{ points: [{ x: 150, y: 180, label: 1 as const }] }, { points: [], box: [90, 110, 220, 170] as [number, number, number, number] }];
    const viaHead = await engine.segment(img, prompts);
    expect(viaHead.map((m) => m.timings.chosenIn)).toEqual(['graph', 'graph']);
    await engine.close();

    // The same pack through a pool whose addition breaks the file: the decoder loads without it.
    const pack = await resolvePack('sam-fixture');
    const pool = new SessionPool();
    const loaded = await pool.load(pack.dir, 'sam', [
      { role: 'encoder', path: pack.files.encoder },
      { role: 'decoder', path: pack.files.decoder, addition: { apply: (b) => Uint8Array.from([...b.subarray(0, 100), 0xff, 0xff]), outputs: ['x'] } },
    ]);
    expect(loaded.graphs.decoder.added).toEqual([]);
    expect(loaded.graphs.decoder.outputs).toEqual(['masks', 'iou_predictions', 'low_res_masks']);
    await pool.releaseAll();

    // The same adapter on a pool that loads the decoder without its addition, as for a graph the
    // head does not fit: the choice and threshold run in script, and the masks agree with the head's.
    const { createSamAdapter } = await import('./adapter');
    const noHead = new SessionPool();
    const originalLoad = noHead.load.bind(noHead);
    noHead.load = (key, kind, files) => originalLoad(key, kind, files.map(({ addition: _drop, ...f }) => f));
    const adapter = await createSamAdapter(pack, noHead);
    const viaScript = await adapter.segment!(await adapter.prepare(img), prompts);
    expect(viaScript.map((m) => m.timings.chosenIn)).toEqual(['script', 'script']);
    expect(viaScript.map((m) => [m.rle, m.score, m.bbox])).toEqual(viaHead.map((m) => [m.rle, m.score, m.bbox]));
    await adapter.dispose();
  });
});
