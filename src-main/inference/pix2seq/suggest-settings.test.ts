/**
 * The project settings that turn the editor's suggestions on: which pix2seq pack suggests, and
 * whether suggestions show. Stored in the project file, so they survive reopening it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveProject } from '../../testing/served-project';
import { useTmp } from '../../testing/tmp';

const tmp = useTmp();

describe('project.settings for suggestions', () => {
  it('default to no pack; take an installed pix2seq pack; refuse other kinds and unknown packs; persist', async () => {
    const d = tmp();
    const served = await serveProject(d);
    try {
      expect(await served.client.call('project.settings', {})).toEqual({ suggestPack: null, suggestions: true, samPack: null });
      expect(await served.client.call('project.setSettings', { suggestPack: 'pix2seq-fixture' })).toEqual({ suggestPack: 'pix2seq-fixture', suggestions: true, samPack: null });
      expect(await served.client.call('project.setSettings', { suggestions: false })).toEqual({ suggestPack: 'pix2seq-fixture', suggestions: false, samPack: null });

      const glip = served.client.call('project.setSettings', { suggestPack: 'glip-fixture' });
      await expect(glip).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(glip).rejects.toThrow('glip-fixture is a glip pack, which cannot suggest categories for a box');
      await expect(served.client.call('project.setSettings', { suggestPack: 'no-such-pack' })).rejects.toThrow(/no-such-pack/);
      expect(await served.client.call('project.settings', {})).toEqual({ suggestPack: 'pix2seq-fixture', suggestions: false, samPack: null });

      await served.client.call('project.open', { path: join(d, 'project.lw') });
      expect(await served.client.call('project.settings', {})).toEqual({ suggestPack: 'pix2seq-fixture', suggestions: false, samPack: null });
      expect(await served.client.call('project.setSettings', { suggestPack: null, suggestions: true })).toEqual({ suggestPack: null, suggestions: true, samPack: null });
    } finally {
      await served.close();
    }
  }, 60_000);
});
