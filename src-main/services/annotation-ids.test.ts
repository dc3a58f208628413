/**
 * Issue 10 item 2: annotation ids are the database's to assign. A client that names an id
 * (the old code took 2^53−1, and every later id overflowed) is refused, except to restore an
 * annotation it deleted on the same image (the editor's undo of a delete).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serveProject, type ServedProject } from '../testing/served-project';
import { caught } from '../testing/expect-lw-error';
import { useTmp } from '../testing/tmp';
import { insertImages } from '../testing/workspace-fixture';

const tmp = useTmp();
const served: ServedProject[] = [];
afterEach(async () => {
  for (const s of served.splice(0)) await s.close();
});

async function setup() {
  const dir = tmp();
  const srv = await serveProject(dir);
  served.push(srv);
  const cat = await srv.client.call('categories.add', { name: 'cup' });
  const [a, b] = insertImages(srv.project, [
    { path: join(dir, 'a.png'), width: 300, height: 200 },
    { path: join(dir, 'b.png'), width: 300, height: 200 },
  ]);
  return { srv, cat: cat.id, a, b };
}

describe('annotation ids', () => {
  it('refuses an id the client makes up, and later annotations keep small ids that every reply can carry', async () => {
    const { srv, cat, a, b } = await setup();
    const err = await caught(
      srv.client.call('annotations.apply', { imageId: a, changes: [{ op: 'create', id: Number.MAX_SAFE_INTEGER, categoryId: cat, bbox: [1, 1, 5, 5] }] }),
    );
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/annotation ids are assigned by the project/);
    const r = await srv.client.call('annotations.apply', { imageId: b, changes: [{ op: 'create', categoryId: cat, bbox: [1, 1, 5, 5] }] });
    expect(r.created[0]).toBeLessThan(1000);
    const detail = await srv.client.call('images.get', { id: b });
    expect(detail.annotations.map((x) => x.id)).toEqual(r.created);
  });

  it('restores a deleted annotation under its id once, on its own image only', async () => {
    const { srv, cat, a, b } = await setup();
    const { created } = await srv.client.call('annotations.apply', { imageId: a, changes: [{ op: 'create', categoryId: cat, bbox: [10, 10, 20, 20] }] });
    const id = created[0];
    await srv.client.call('annotations.apply', { imageId: a, changes: [{ op: 'delete', id }] });
    // Not on another image.
    expect((await caught(srv.client.call('annotations.apply', { imageId: b, changes: [{ op: 'create', id, categoryId: cat, bbox: [10, 10, 20, 20] }] }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    // Undo of the delete: the same id comes back.
    const back = await srv.client.call('annotations.apply', { imageId: a, changes: [{ op: 'create', id, categoryId: cat, bbox: [10, 10, 20, 20] }] });
    expect(back.created).toEqual([id]);
    // The tombstone is used up: deleting nothing and restoring again is refused.
    expect((await caught(srv.client.call('annotations.apply', { imageId: a, changes: [{ op: 'create', id, categoryId: cat, bbox: [10, 10, 20, 20] }] }))).code).toBe('CONFLICT');
  });
});
