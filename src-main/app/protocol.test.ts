/**
 * Electron's `lw-image://` handler, with only Electron's `protocol` faked (it exists only in
 * the Electron binary): a real session on a real project, the handler called with real
 * Requests. It serves what the browser host serves (display-image.ts): upright pixels.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTmp } from '../testing/tmp';
import { readAsPainted, UPRIGHT, UPRIGHT_CORNERS, writeOriented } from '../testing/oriented-image';
import { ProjectService } from '../services/project-service';
import { AppSession } from './session';

type Handler = (req: Request) => Promise<Response>;
const handlers = new Map<string, Handler>();
vi.mock('electron', () => ({
  protocol: {
    handle: (scheme: string, h: Handler) => handlers.set(scheme, h),
    registerSchemesAsPrivileged: () => undefined,
  },
}));
const { handleImageProtocol, IMAGE_SCHEME } = await import('./protocol');

const tmp = useTmp();
const sessions: AppSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

describe('lw-image:// protocol', () => {
  it('serves every image upright at its recorded size; thumbnails as JPEG; paths refused', async () => {
    const dir = tmp();
    const images = join(dir, 'images');
    mkdirSync(images);
    await writeOriented(join(images, 'w6.webp'), 'webp', 6);
    await writeOriented(join(images, 'j8.jpg'), 'jpeg', 8);
    await writeOriented(join(images, 't3.tif'), 'tiff', 3);
    await writeOriented(join(images, 'p1.png'), 'png', 1);
    const project = join(dir, 'p.lw');
    const svc = ProjectService.create(project);
    await svc.addFolder(images);
    const ids = Object.fromEntries(svc.listImages().map((i) => [i.path.split(/[\\/]/).pop()!, i.id]));
    svc.close();

    const session = new AppSession({ shell: 'electron', imageUrl: `${IMAGE_SCHEME}://image/{id}`, thumbnailUrl: `${IMAGE_SCHEME}://thumb/{id}`, userDataDir: join(dir, 'ud') });
    sessions.push(session);
    await session.openProject(project, false);
    handleImageProtocol(session);
    const fetchIt = (url: string) => handlers.get(IMAGE_SCHEME)!(new Request(url));

    for (const [name, type] of [
      ['w6.webp', 'image/webp'],
      ['j8.jpg', 'image/jpeg'],
      ['t3.tif', 'image/png'],
      ['p1.png', 'image/png'],
    ]) {
      const res = await fetchIt(`${IMAGE_SCHEME}://image/${ids[name]}`);
      expect([res.status, res.headers.get('content-type')], name).toEqual([200, type]);
      const body = Buffer.from(await res.arrayBuffer());
      expect(await readAsPainted(body), name).toEqual({ ...UPRIGHT, corners: UPRIGHT_CORNERS });
      if (name === 'p1.png') expect(body.equals(readFileSync(join(images, name))), 'orientation 1: bytes untouched').toBe(true);
    }
    const thumb = await fetchIt(`${IMAGE_SCHEME}://thumb/${ids['w6.webp']}`);
    expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect((await readAsPainted(Buffer.from(await thumb.arrayBuffer()))).corners).toEqual(UPRIGHT_CORNERS);
    expect((await fetchIt(`${IMAGE_SCHEME}://image/../../etc/passwd`)).status).toBe(403);
    expect((await fetchIt(`${IMAGE_SCHEME}://image/99999`)).status).toBe(403);
  });
});
