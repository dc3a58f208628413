/**
 * The suggestion model on a real served project with the fixture Pix2seq pack: it asks for the
 * selected box, drops an answer for a box that is no longer the one selected, and a pick is
 * one relabel. (The bar and its keys are covered in e2e/suggestions.e2e.ts.)
 */
import { describe, expect, it } from 'vitest';
import { serveProject } from '../../../src-main/testing/served-project';
import { useTmp } from '../../../src-main/testing/tmp';
import { BLUE, RED } from '../../../src-main/testing/planted-images';
import { plantedFolder } from '../../../src-main/testing/planted-folder';
import { EditorStore } from './store';
import { Suggestions, type SuggestionView } from './suggestions';

const tmp = useTmp();

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

describe('editor suggestions', () => {
  it('drops the answer for a box no longer selected; a pick relabels; off without a chosen pack', async () => {
    const d = tmp();
    const srv = await serveProject(d);
    try {
      const dir = await plantedFolder(d, 'img', {
        'a.png': [480, 360, [
          { x: 60, y: 70, w: 128, h: 128, colour: RED },
          { x: 300, y: 200, w: 100, h: 100, colour: BLUE },
        ]],
      });
      await srv.client.call('project.addFolder', { folder: dir });
      const [image] = (await srv.client.call('images.query', {})).items;
      const blue = await srv.client.call('categories.add', { name: 'blue' });
      const red = await srv.client.call('categories.add', { name: 'red' });
      await srv.client.call('annotations.apply', {
        imageId: image.id,
        changes: [
          { op: 'create', categoryId: blue.id, bbox: [58, 68, 132, 132] },
          { op: 'create', categoryId: blue.id, bbox: [298, 198, 104, 104] },
        ],
      });
      const store = new EditorStore(srv.client);
      store.setCategories(await srv.client.call('categories.list', {}));
      await store.load(image.id);
      const [onRed, onBlue] = store.get().annotations;

      const model = new Suggestions(srv.client, store);
      const off = store.subscribe(model.update);
      await model.configure();
      expect(model.get().status).toBe('off'); // no pack chosen in the project's settings
      await srv.client.call('project.setSettings', { suggestPack: 'pix2seq-fixture' });
      await model.configure();
      expect(model.get().status).toBe('none'); // nothing selected

      const seen: SuggestionView[] = [];
      model.subscribe(() => seen.push(model.get()));
      srv.requests.length = 0;
      store.set({ selectedId: onRed.id, selectedIds: [onRed.id] });
      // The request for the red box is on its way: select the blue box before it is answered.
      await until(() => srv.requests.some((r) => r.method === 'models.suggest'), 'the request for the red box');
      store.set({ selectedId: onBlue.id, selectedIds: [onBlue.id] });
      await until(() => model.get().status === 'ready', 'the answer for the blue box');
      expect(model.get().items[0].name).toBe('blue');
      expect(srv.requests.filter((r) => r.method === 'models.suggest')).toHaveLength(2);
      // The red box's answer (red first) came back in between, and was never shown.
      expect(seen.filter((v) => v.status === 'ready').map((v) => v.items[0].name)).toEqual(['blue']);

      store.set({ selectedId: onRed.id, selectedIds: [onRed.id] });
      await until(() => model.get().status === 'ready', 'the answer for the red box');
      expect(model.get().items.map((s) => s.categoryId)).toEqual([red.id, blue.id]);
      store.capture('record', 'Relabel (suggested)', () => model.pick(0));
      await store.idle();
      expect((await srv.client.call('images.get', { id: image.id })).annotations.find((a) => a.bbox[0] === 58)?.categoryId).toBe(red.id);
      expect(model.get().status).toBe('none'); // taken: no bar for this box until it changes
      expect(store.get().historyDepth.undo).toBe(1);

      await srv.client.call('project.setSettings', { suggestions: false });
      await model.configure();
      expect(model.get().status).toBe('off');
      off();
      model.close();
    } finally {
      await srv.close();
    }
  }, 60_000);
});
