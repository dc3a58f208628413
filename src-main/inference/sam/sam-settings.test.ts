/** The project's sam pack for the editor's Smart tool: an installed sam pack or none, kept in the project file. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveProject } from '../../testing/served-project';
import { useTmp } from '../../testing/tmp';

const tmp = useTmp();

describe('project.settings samPack', () => {
  it('defaults to none; takes an installed sam pack; refuses other kinds and unknown packs; persists', async () => {
    const d = tmp();
    const served = await serveProject(d);
    try {
      expect((await served.client.call('project.settings', {})).samPack).toBeNull();
      expect((await served.client.call('project.setSettings', { samPack: 'sam-fixture' })).samPack).toBe(
        'sam-fixture',
      );
      const glip = served.client.call('project.setSettings', { samPack: 'glip-fixture' });
      await expect(glip).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: 'glip-fixture is a glip pack, which cannot segment from clicks',
      });
      await expect(served.client.call('project.setSettings', { samPack: 'no-such-pack' })).rejects.toThrow(
        /no-such-pack/,
      );
      // The refused values changed nothing, and the other settings keep theirs.
      expect(await served.client.call('project.settings', {})).toEqual({
        suggestPack: null,
        suggestions: true,
        samPack: 'sam-fixture',
      });

      await served.client.call('project.open', { path: join(d, 'project.lw') });
      expect((await served.client.call('project.settings', {})).samPack).toBe('sam-fixture');
      expect((await served.client.call('project.setSettings', { samPack: null })).samPack).toBeNull();
    } finally {
      await served.close();
    }
  }, 60_000);
});
