/** `sam.prepare` over RPC: the Smart tool embeds an image before its first click, and that click then runs only the decoder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveProject } from '../../testing/served-project';
import { useTmp } from '../../testing/tmp';
import { plantedImage, RED } from '../../testing/planted-images';

const tmp = useTmp();

describe('sam.prepare', () => {
  it('computes the embedding once; the first click after it finds it cached; a bad image or pack is a clear error', async () => {
    const d = tmp();
    const dir = join(d, 'img');
    const served = await serveProject(d);
    try {
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'a.png'),
        await plantedImage(320, 200, [{ x: 40, y: 40, w: 80, h: 80, colour: RED }], {
          bg: { r: 255, g: 255, b: 255 },
        }),
      );
      await served.client.call('project.addFolder', { folder: dir });
      const [image] = (await served.client.call('images.query', {})).items;

      const first = await served.client.call('sam.prepare', { pack: 'sam-fixture', imageId: image.id });
      expect(first.embeddingCached).toBe(false);
      expect(first.encoderRuns).toBeGreaterThanOrEqual(1);
      const again = await served.client.call('sam.prepare', { pack: 'sam-fixture', imageId: image.id });
      expect([again.embeddingCached, again.encoderRuns]).toEqual([true, first.encoderRuns]);
      const click = await served.client.call('sam.segment', {
        pack: 'sam-fixture',
        imageId: image.id,
        points: [{ x: 60, y: 60, label: 1 }],
      });
      expect([click.embeddingCached, click.encoderRuns]).toEqual([true, first.encoderRuns]);

      await expect(
        served.client.call('sam.prepare', { pack: 'sam-fixture', imageId: 999 }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(
        served.client.call('sam.prepare', { pack: 'glip-fixture', imageId: image.id }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: 'glip-fixture is a glip pack, which cannot segment from clicks',
      });
      // The sam worker was kept: the image is still embedded.
      expect(
        (await served.client.call('sam.prepare', { pack: 'sam-fixture', imageId: image.id })).embeddingCached,
      ).toBe(true);
    } finally {
      await served.close();
    }
  }, 60_000);
});
