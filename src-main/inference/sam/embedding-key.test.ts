/**
 * The embedding cache is keyed before the image is decoded (the project's content hash of the
 * file): a click on an embedded image runs only the decoder, and the file is not read,
 * decoded or hashed again.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rleFromBbox, rleIou } from '../../shared/masks';
import { serveProject } from '../../testing/served-project';
import { useTmp } from '../../testing/tmp';
import { plantedImage, RED } from '../../testing/planted-images';
import { SamSegmenter } from './segmenter';

const tmp = useTmp();
const WHITE = { r: 255, g: 255, b: 255 };
const SQUARE = [60, 50, 120, 120];

async function squareImage(dir: string, name: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const [x, y, w, h] = SQUARE;
  const path = join(dir, name);
  writeFileSync(path, await plantedImage(400, 300, [{ x, y, w, h, colour: RED }], { bg: WHITE }));
  return path;
}

describe('SAM embedding cache key', () => {
  it('a second click on the same image prepares nothing: the worker decoded one image for three clicks', async () => {
    const d = tmp();
    const a = await squareImage(d, 'a.png');
    const b = await squareImage(d, 'b.png');
    const segmenter = new SamSegmenter();
    try {
      const click = { points: [{ x: 100, y: 100, label: 1 as const }] };
      const first = await segmenter.segment('sam-fixture', a, click, 'hash-a');
      expect(await segmenter.imagesPrepared('sam-fixture')).toBe(1);
      const second = await segmenter.segment('sam-fixture', a, { points: [{ x: 110, y: 90, label: 1 }], previous: first.maskId }, 'hash-a');
      const third = await segmenter.segment('sam-fixture', a, { points: [], box: [50, 40, 140, 140] }, 'hash-a');
      expect(await segmenter.imagesPrepared('sam-fixture')).toBe(1);
      expect([first.embeddingCached, second.embeddingCached, third.embeddingCached]).toEqual([false, true, true]);
      expect([second.encoderRuns, third.encoderRuns]).toEqual([first.encoderRuns, first.encoderRuns]);
      for (const m of [first, second, third]) expect(rleIou(m.rle, rleFromBbox(SQUARE, 300, 400))).toBeGreaterThanOrEqual(0.95);

      // Another file is another key: decoded and encoded once.
      const other = await segmenter.segment('sam-fixture', b, click, 'hash-b');
      expect([other.embeddingCached, other.encoderRuns, await segmenter.imagesPrepared('sam-fixture')]).toEqual([false, first.encoderRuns + 1, 2]);
      // sam.prepare with the key finds the embedding without decoding either.
      expect(await segmenter.prepare('sam-fixture', a, 'hash-a')).toMatchObject({ embeddingCached: true, encoderRuns: first.encoderRuns + 1 });
      expect(await segmenter.imagesPrepared('sam-fixture')).toBe(2);
    } finally {
      await segmenter.close();
    }
  }, 60_000);

  it('over RPC: once the image is embedded, a click is answered even with the file moved away (it is not read again)', async () => {
    const d = tmp();
    const dir = join(d, 'img');
    const path = await squareImage(dir, 'a.png');
    const served = await serveProject(d);
    try {
      await served.client.call('project.addFolder', { folder: dir });
      const [image] = (await served.client.call('images.query', {})).items;
      const first = await served.client.call('sam.segment', { pack: 'sam-fixture', imageId: image.id, points: [{ x: 100, y: 100, label: 1 }] });
      expect(first.embeddingCached).toBe(false);
      renameSync(path, `${path}.away`);
      const second = await served.client.call('sam.segment', { pack: 'sam-fixture', imageId: image.id, points: [{ x: 120, y: 80, label: 1 }] });
      expect([second.embeddingCached, second.encoderRuns]).toEqual([true, first.encoderRuns]);
      expect(rleIou(second.rle, rleFromBbox(SQUARE, 300, 400))).toBeGreaterThanOrEqual(0.95);
      // A click outside the image is still refused from the cached size, and the next click works.
      await expect(served.client.call('sam.segment', { pack: 'sam-fixture', imageId: image.id, points: [{ x: 401, y: 10, label: 1 }] })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: 'The point (401, 10) is outside the 400×300 image',
      });
      expect((await served.client.call('sam.segment', { pack: 'sam-fixture', imageId: image.id, points: [{ x: 100, y: 100, label: 1 }] })).embeddingCached).toBe(true);
    } finally {
      await served.close();
    }
  }, 60_000);
});
