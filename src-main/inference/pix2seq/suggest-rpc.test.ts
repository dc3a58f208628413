/** `models.suggest` over RPC on a real served project: the editor's suggestion bar asks this. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveProject } from '../../testing/served-project';
import { useTmp } from '../../testing/tmp';
import { BLUE, plantedImage, RED } from '../../testing/planted-images';

const tmp = useTmp();

describe('models.suggest', () => {
  it('ranks the project categories for a box around a red square, red first; refuses unknown images', async () => {
    const d = tmp();
    const dir = join(d, 'img');
    const served = await serveProject(d);
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'a.png'), await plantedImage(480, 360, [
        { x: 50, y: 40, w: 128, h: 128, colour: RED },
        { x: 300, y: 200, w: 120, h: 100, colour: BLUE },
      ]));
      await served.client.call('project.addFolder', { folder: dir });
      const [image] = (await served.client.call('images.query', {})).items;
      const blue = await served.client.call('categories.add', { name: 'blue' });
      const tomato = await served.client.call('categories.add', { name: 'tomato', prompt: 'red' });
      await served.client.call('categories.add', { name: 'leaf' }); // names no class of the pack: not ranked

      const s = await served.client.call('models.suggest', { pack: 'pix2seq-fixture', imageId: image.id, box: [45, 44, 136, 120] });
      expect(s.map((x) => x.categoryId)).toEqual([tomato.id, blue.id]);
      expect(s[0].probability).toBeGreaterThan(0.5);
      // A second box on the same image, limited to some categories.
      const b = await served.client.call('models.suggest', { pack: 'pix2seq-fixture', imageId: image.id, box: [300, 200, 120, 100], categoryIds: [blue.id, tomato.id] });
      expect(b[0]).toMatchObject({ categoryId: blue.id, name: 'blue' });

      await expect(served.client.call('models.suggest', { pack: 'pix2seq-fixture', imageId: 999, box: [0, 0, 5, 5] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await served.close();
    }
  }, 60_000);
});
