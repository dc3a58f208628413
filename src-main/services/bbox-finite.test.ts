/** Issue 10 item 12: a bbox of 1e999 (Infinity once parsed) is refused with a message that says so, and where. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveProject, type ServedProject } from '../testing/served-project';
import { useTmp } from '../testing/tmp';
import { insertImages } from '../testing/workspace-fixture';

const tmp = useTmp();
const served: ServedProject[] = [];
afterEach(async () => {
  for (const s of served.splice(0)) await s.close();
});

describe('a non-finite coordinate', () => {
  it('is refused naming the field and the value, not "expected number, received number"', async () => {
    const dir = tmp();
    const srv = await serveProject(dir);
    served.push(srv);
    const cat = await srv.client.call('categories.add', { name: 'cup' });
    const [imageId] = insertImages(srv.project, [{ path: join(dir, 'a.png'), width: 300, height: 200 }]);
    const bbox = JSON.parse('[1e999, 0, 10, 10]') as [number, number, number, number];
    const err = await srv.client.call('annotations.apply', { imageId, changes: [{ op: 'create', categoryId: cat.id, bbox }] }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toContain('changes.0.bbox.0: expected a finite number, got Infinity');
  });
});
