/**
 * The UNITER scorer end to end on the fixture pack (real ONNX graphs: a colour region detector
 * and an ITM graph that matches colour words), and its errors on bad packs and images.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, GraphBuilder } from '../../../tools/fixtures/onnx/builder';
import { DataType } from '../runtime/onnx-proto';
import { caught } from '../../testing/expect-lw-error';
import { BLUE, plantedImage, RED } from '../../testing/planted-images';
import { createEngine, resolvePack, sharedSessionPool } from '../engine';
import { findPack } from '../packs/index';
import { createUniterScorer, type UniterScorer } from './scorer';

const FIXTURE = resolve(import.meta.dirname, '../../../models/fixtures/uniter-fixture');

let scorer: UniterScorer;
let tmp: string;
beforeAll(async () => {
  scorer = await createUniterScorer(await resolvePack('uniter-fixture'), sharedSessionPool());
  tmp = await mkdtemp(join(tmpdir(), 'lw-uniter-'));
});
afterAll(async () => {
  await scorer?.dispose();
  await rm(tmp, { recursive: true, force: true });
});

describe('UNITER fixture: a text naming a colour present outranks one naming an absent colour', () => {
  // [image w, h, square x, y, side]
  const cases: [number, number, number, number, number][] = [
    [640, 480, 100, 200, 128], // landscape, downscaled to 600 short side
    [300, 900, 50, 700, 128], // portrait, long side capped at 1000
    [2000, 400, 1800, 100, 150], // very wide: long side 1000 decides the scale
    [100, 80, 10, 10, 40], // small: upscaled
  ];
  for (const [W, H, x, y, s] of cases)
    for (const [colour, present, absent] of [
      [RED, 'red', 'blue'],
      [BLUE, 'blue', 'red'],
    ] as const)
      it(`${W}×${H} with a ${present} square: "${present}" outranks "${absent}"`, async () => {
        const set = await scorer.regions(await plantedImage(W, H, [{ x, y, w: s, h: s, colour }]));
        expect([set.width, set.height]).toEqual([W, H]);
        const a = await scorer.score(set, `a ${present} square`);
        const b = await scorer.score(set, `a ${absent} square`);
        expect(a.rankLogit).toBeGreaterThan(b.rankLogit);
        // The square's region comes first, in original pixels (within the resize's rounding).
        const box = Array.from(set.boxes.subarray(0, 4));
        const tol = Math.max(2, W / 300);
        [x, y, x + s, y + s].forEach((v, i) => expect(Math.abs(box[i] - v)).toBeLessThanOrEqual(tol));
      });

  it('keeps clamp(count(score > 0.2), 10, 100) regions: 10 of the fixture’s 12', async () => {
    const set = await scorer.regions(await plantedImage(200, 200, [{ x: 10, y: 10, w: 50, h: 50, colour: RED }]));
    expect(set.count).toBe(10);
    expect(set.dim).toBe(2048);
    // Sorted by score: the red region (0.95), then the whole-image regions (0.1).
    expect(set.scores[0]).toBeCloseTo(0.95, 5);
    expect(Array.from(set.scores.subarray(1))).toEqual(new Array(9).fill(Math.fround(0.1)));
  });

  it('is cased: "Red" matches, "RED" (R ##ED) does not', async () => {
    const set = await scorer.regions(await plantedImage(200, 200, [{ x: 10, y: 10, w: 50, h: 50, colour: RED }]));
    expect((await scorer.score(set, 'Red')).rankLogit).toBeGreaterThan(0);
    expect((await scorer.score(set, 'RED')).rankLogit).toBe(0);
  });
});

describe('UNITER errors', () => {
  async function packWith(name: string, edit: (dir: string) => Promise<void>): Promise<string> {
    const dir = join(tmp, name);
    await cp(FIXTURE, dir, { recursive: true });
    await edit(dir);
    return dir;
  }
  /** Rewrites pack.json so the edited file's hash and size match again. */
  async function rehash(dir: string, role: string, bytes: Uint8Array): Promise<void> {
    const m = JSON.parse(await readFile(join(dir, 'pack.json'), 'utf8'));
    const { createHash } = await import('node:crypto');
    m.files[role].sha256 = createHash('sha256').update(bytes).digest('hex');
    m.files[role].bytes = bytes.byteLength;
    m.id = `uniter-bad-${role}-${dir.length}`;
    await writeFile(join(dir, 'pack.json'), JSON.stringify(m));
    await writeFile(join(dir, m.files[role].path), bytes);
  }

  it('an ITM graph with a wrong input name is refused at load, naming the file and the tensor', async () => {
    const g = new GraphBuilder('bad_itm');
    const ids = g.input('token_ids', DataType.INT64, [1, 'T']);
    g.input('position_ids', DataType.INT64, [1, 'T']);
    g.input('img_feat', DataType.FLOAT, [1, 'B', 2048]);
    g.input('img_pos_feat', DataType.FLOAT, [1, 'B', 7]);
    g.input('attention_mask', DataType.INT64, [1, 'TB']);
    g.output('rank_logit', g.op('Cast', [g.op('ReduceSum', [ids], {})], { to: attr.int(DataType.FLOAT) }), DataType.FLOAT, [1, 1]);
    const dir = await packWith('bad-itm', (d) => rehash(d, 'itm', g.toBytes()));
    const e = await caught((async () => createUniterScorer(await findPack(dir), sharedSessionPool()))());
    expect(e.code).toBe('MODEL_LOAD_FAILED');
    expect(e.message).toContain('itm.onnx');
    expect(e.message).toContain("no input 'input_ids'");
  });

  it('a regions graph whose outputs are misnamed is refused at load', async () => {
    const g = new GraphBuilder('bad_regions');
    const x = g.input('image', DataType.FLOAT, [1, 3, 'H', 'W']);
    const flat = g.op('Reshape', [x, g.constI64([-1, 4])]);
    g.output('rois', flat, DataType.FLOAT, ['R', 4]);
    g.output('scores', g.op('ReduceMax', [flat], { axes: attr.ints([1]), keepdims: attr.int(0) }), DataType.FLOAT, ['R']);
    g.output('features', flat, DataType.FLOAT, ['R', 4]);
    const dir = await packWith('bad-regions', (d) => rehash(d, 'regions', g.toBytes()));
    const e = await caught((async () => createUniterScorer(await findPack(dir), sharedSessionPool()))());
    expect(e.code).toBe('MODEL_LOAD_FAILED');
    expect(e.message).toContain("output 0 is 'rois', expected 'boxes'");
  });

  it('a lowercasing tokenizer.json loads with a warning that UNITER is cased', async () => {
    const json = JSON.parse(await readFile(join(FIXTURE, 'tokenizer.json'), 'utf8'));
    json.normalizer.lowercase = true;
    const dir = await packWith('lower', (d) => rehash(d, 'tokenizer', new TextEncoder().encode(JSON.stringify(json))));
    const s = await createUniterScorer(await findPack(dir), sharedSessionPool());
    try {
      expect(s.tokenizerWarning).toMatch(/lowercases.*UNITER is cased/);
    } finally {
      await s.dispose();
    }
    expect(scorer.tokenizerWarning).toBeUndefined();
  });

  it('an image that cannot be decoded is a clear IMAGE_UNREADABLE error', async () => {
    const bad = join(tmp, 'broken.png');
    await writeFile(bad, Buffer.from('not an image at all'));
    const e = await caught(scorer.regions(bad));
    expect(e.code).toBe('IMAGE_UNREADABLE');
    expect(e.message).toContain('broken.png');
  });

  it('run is the audit step: each category’s prompt scored on the regions, no detections or masks', async () => {
    const engine = await createEngine({ pack: 'uniter-fixture' });
    try {
      const image = await plantedImage(300, 200, [{ x: 30, y: 40, w: 60, h: 60, colour: RED }]);
      const r = await engine.predict(image, [
        { id: 1, name: 'red' },
        { id: 2, name: 'blue' },
        { id: 3, name: 'sky', prompt: 'a Blue thing' },
      ]);
      expect(r).toMatchObject({ kind: 'uniter', width: 300, height: 200, detections: [], masks: [], regions: 10 });
      expect(r.scores).toEqual([
        { categoryId: 1, rankLogit: 5, truncatedPieces: 0 },
        { categoryId: 2, rankLogit: -5, truncatedPieces: 0 },
        { categoryId: 3, rankLogit: -5, truncatedPieces: 0 },
      ]);
    } finally {
      await engine.close();
    }
  });
});
