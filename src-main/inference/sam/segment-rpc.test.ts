/** `sam.segment` over RPC on a real served project: what the editor's Smart tool will ask. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rleFromBbox, rleIou } from '../../shared/masks';
import { serveProject } from '../../testing/served-project';
import { useTmp } from '../../testing/tmp';
import { plantedImage, RED } from '../../testing/planted-images';

const tmp = useTmp();
const WHITE = { r: 255, g: 255, b: 255 };

describe('sam.segment', () => {
  it('segments a clicked square, refines it with a negative click on the same embedding, and refuses bad input', async () => {
    const d = tmp();
    const dir = join(d, 'img');
    const served = await serveProject(d);
    try {
      mkdirSync(dir);
      const a = [40, 60, 120, 120];
      const b = [300, 150, 120, 120];
      writeFileSync(join(dir, 'a.png'), await plantedImage(480, 360, [a, b].map(([x, y, w, h]) => ({ x, y, w, h, colour: RED })), { bg: WHITE }));
      await served.client.call('project.addFolder', { folder: dir });
      const [image] = (await served.client.call('images.query', {})).items;

      const first = await served.client.call('sam.segment', { pack: 'sam-fixture', imageId: image.id, points: [{ x: 100, y: 120, label: 1 }] });
      expect(first.rle.size).toEqual([360, 480]);
      expect(first.embeddingCached).toBe(false);
      const second = await served.client.call('sam.segment', {
        pack: 'sam-fixture',
        imageId: image.id,
        points: [
          { x: 100, y: 120, label: 1 },
          { x: 360, y: 210, label: 0 },
        ],
        previous: first.maskId,
      });
      expect(rleIou(second.rle, rleFromBbox(a, 360, 480))).toBeGreaterThanOrEqual(0.95);
      expect(second.area).toBeGreaterThan(0.9 * 120 * 120);
      // The second click ran only the decoder.
      expect([second.encoderRuns, second.embeddingCached]).toEqual([first.encoderRuns, true]);
      const boxed = await served.client.call('sam.segment', { pack: 'sam-fixture', imageId: image.id, points: [], box: [290, 140, 140, 140] });
      expect(rleIou(boxed.rle, rleFromBbox(b, 360, 480))).toBeGreaterThanOrEqual(0.95);

      await expect(served.client.call('sam.segment', { pack: 'sam-fixture', imageId: image.id, points: [{ x: 500, y: 10, label: 1 }] })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: 'The point (500, 10) is outside the 480×360 image',
      });
      await expect(served.client.call('sam.segment', { pack: 'sam-fixture', imageId: 999, points: [{ x: 1, y: 1, label: 1 }] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // Still working after the errors.
      const again = await served.client.call('sam.segment', { pack: 'sam-fixture', imageId: image.id, points: [{ x: 100, y: 120, label: 1 }] });
      expect(again.encoderRuns).toBe(first.encoderRuns);
    } finally {
      await served.close();
    }
  }, 60_000);
});
