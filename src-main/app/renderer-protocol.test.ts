/**
 * `app://renderer/…` (the desktop app's pages): the handler main.ts gives to
 * `protocol.handle`, called with real Requests over a real folder. It needs no Electron.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTmp } from '../testing/tmp';
import { electronCsp } from './csp';
import { RENDERER_INDEX_URL, createRendererHandler } from './renderer-protocol';

const tmp = useTmp();

function rendererFolder() {
  const dir = tmp();
  const root = join(dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'index-1.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  symlinkSync(join(dir, 'secret.txt'), join(root, 'assets', 'link.txt'));
  return root;
}

describe('app:// protocol', () => {
  it('serves the renderer folder with the CSP header on every page', async () => {
    const csp = electronCsp();
    const serve = createRendererHandler(rendererFolder(), csp);
    for (const url of [RENDERER_INDEX_URL, 'app://renderer/', 'app://renderer/index.html?x=1#/image/3']) {
      const res = await serve(new Request(url));
      expect([res.status, res.headers.get('content-type'), await res.text()], url).toEqual([200, 'text/html; charset=utf-8', '<!doctype html><title>app</title>']);
      expect(res.headers.get('content-security-policy')).toBe(csp);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const js = await serve(new Request('app://renderer/assets/index-1.js'));
    expect([js.status, js.headers.get('content-type'), await js.text()]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log(1)']);
    const head = await serve(new Request('app://renderer/index.html', { method: 'HEAD' }));
    expect([head.status, await head.text()]).toEqual([200, '']);
  });

  it('refuses anything outside the folder, other hosts and other methods', async () => {
    const serve = createRendererHandler(rendererFolder(), electronCsp());
    const status = async (url: string, method = 'GET') => (await serve(new Request(url, { method }))).status;
    // Whatever URL parsing collapses first, no spelling of "up" reaches the file beside the folder.
    for (const url of [
      'app://renderer/../secret.txt',
      'app://renderer/%2e%2e/secret.txt',
      'app://renderer/..%2fsecret.txt',
      'app://renderer/assets/%252e%252e/%252e%252e/secret.txt',
      'app://renderer/assets\\..\\..\\secret.txt',
      'app://renderer/%2Fsecret.txt',
    ]) {
      const res = await serve(new Request(url));
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(await res.text(), url).not.toContain('outside the renderer');
    }
    expect(await status('app://renderer/..%2fsecret.txt')).toBe(403);
    expect(await status('app://renderer/assets/link.txt'), 'a symlink leading out').toBe(403);
    expect(await status('app://evil/index.html')).toBe(403);
    expect(await status('app://renderer/index.html', 'POST')).toBe(405);
    expect(await status('app://renderer/missing.js')).toBe(404);
    expect(await status('app://renderer/assets')).toBe(404);
  });
});
