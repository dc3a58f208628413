/**
 * The desktop window's guards (navigation, redirects, new windows, webviews, external
 * links, permissions, which page loads), with Electron faked only at the boundary: a
 * WebContents that records its listeners, a Session that records its handlers, and
 * `shell.openExternal` as a recorder. The rules themselves run for real.
 */
import { EventEmitter } from 'node:events';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../platform/paths';
import { loadManifest } from '../inference/packs';
import { appPages } from './app-pages';
import { browserHostCsp, electronCsp } from './csp';
import { externalLinks, httpsHosts } from './external-links';
import { guardNavigation, type GuardedContents } from './navigation-guards';
import { denyAllPermissions, type PermissionSession } from './permissions';

/** A WebContents stand-in: listeners and the window-open handler, nothing else. */
function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  const wc = {
    on: (name: string, fn: (...a: unknown[]) => void) => emitter.on(name, fn),
    setWindowOpenHandler: (h: typeof openHandler) => void (openHandler = h),
  } as unknown as GuardedContents;
  /** Emits like Electron does; true when a listener cancelled it. */
  const emit = (name: string, url: string): boolean => {
    let prevented = false;
    const event = { url, preventDefault: () => void (prevented = true) };
    if (name === 'will-attach-webview') emitter.emit(name, event, {}, { src: url });
    else emitter.emit(name, event, url);
    return prevented;
  };
  return { wc, emit, open: (url: string) => openHandler!({ url }).action };
}

async function bundledManifestUrls(): Promise<string[]> {
  const models = join(repoRoot()!, 'models');
  const dirs = readdirSync(models, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'fixtures');
  const manifests = await Promise.all(dirs.map((d) => loadManifest(join(models, d.name))));
  return manifests.flatMap((m) => Object.values(m.files).map((f) => f.url ?? ''));
}

describe('which page the window loads', () => {
  it('a packaged build ignores ELECTRON_RENDERER_URL', () => {
    const pages = appPages({ isPackaged: true, devUrl: 'http://localhost:5173/' });
    expect(pages.startUrl).toBe('app://renderer/index.html');
    expect(pages.devServerUrl).toBeUndefined();
    expect(pages.isAppUrl('http://localhost:5173/')).toBe(false);
    expect(pages.isAppUrl('app://renderer/index.html#/image/4')).toBe(true);
  });

  it('an unpackaged run uses a dev server on this machine only', () => {
    expect(appPages({ isPackaged: false, devUrl: 'http://localhost:5173/' }).startUrl).toBe('http://localhost:5173/');
    expect(appPages({ isPackaged: false, devUrl: 'http://evil.example:5173/' }).startUrl).toBe('app://renderer/index.html');
    expect(appPages({ isPackaged: false, devUrl: 'file:///tmp/x.html' }).startUrl).toBe('app://renderer/index.html');
    expect(appPages({ isPackaged: false }).startUrl).toBe('app://renderer/index.html');
  });

  it('only the app origin counts as the app', () => {
    const { isAppUrl } = appPages({ isPackaged: true });
    for (const url of ['file:///opt/app/out/renderer/index.html', 'app://renderer.evil/index.html', 'app://x@renderer/', 'https://renderer/', 'lw-image://image/1', 'not a url'])
      expect(isAppUrl(url), url).toBe(false);
  });
});

describe('navigation, redirects, new windows, webviews', () => {
  const setup = async () => {
    const opened: string[] = [];
    const refused: string[] = [];
    const links = externalLinks(httpsHosts(await bundledManifestUrls()), async (url) => void opened.push(url));
    const { wc, emit, open } = fakeContents();
    guardNavigation(wc, {
      isAppUrl: appPages({ isPackaged: true }).isAppUrl,
      openExternal: links.open,
      onRefused: (what, url) => refused.push(`${what} ${url}`),
    });
    return { emit, open, opened, refused };
  };

  it('navigating or redirecting away from the app is cancelled', async () => {
    const { emit, refused } = await setup();
    expect(emit('will-navigate', 'https://evil.example/')).toBe(true);
    expect(emit('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(emit('will-frame-navigate', 'https://evil.example/frame')).toBe(true);
    expect(emit('will-redirect', 'https://evil.example/after-redirect')).toBe(true);
    expect(emit('will-navigate', 'app://renderer/index.html')).toBe(false);
    expect(emit('will-attach-webview', 'https://evil.example/')).toBe(true);
    expect(refused).toEqual([
      'navigate https://evil.example/',
      'navigate file:///etc/passwd',
      'navigate https://evil.example/frame',
      'redirect https://evil.example/after-redirect',
      'webview https://evil.example/',
    ]);
  });

  it('window.open never makes a window; only allowlisted https links reach the system browser', async () => {
    const { open, opened, refused } = await setup();
    const allowed = 'https://huggingface.co/openai/clip-vit-base-patch32';
    for (const url of [allowed, 'https://evil.example/', 'http://huggingface.co/', 'file:///etc/passwd', 'app://renderer/index.html'])
      expect(open(url), url).toBe('deny');
    expect(opened).toEqual([allowed]);
    expect(refused).toEqual(['window https://evil.example/', 'window http://huggingface.co/', 'window file:///etc/passwd', 'window app://renderer/index.html']);
  });
});

describe('external links', () => {
  it('allows https to the hosts the bundled manifests download from, and nothing else', async () => {
    const hosts = httpsHosts(await bundledManifestUrls());
    expect(hosts).toEqual(['huggingface.co', 'storage.googleapis.com']);
    const opened: string[] = [];
    const links = externalLinks(hosts, async (url) => void opened.push(url));
    for (const url of [
      'http://huggingface.co/',
      'https://huggingface.co.evil.example/',
      'https://evil.example/?https://huggingface.co/',
      'https://user:pw@huggingface.co/',
      'https://huggingface.co@evil.example/',
      'https://huggingface.co:8443/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'smb://huggingface.co/share',
      'not a url',
    ])
      expect(links.open(url), url).toBe(false);
    expect(links.open('https://HuggingFace.co/google-bert/bert-base-uncased')).toBe(true);
    expect(opened).toEqual(['https://HuggingFace.co/google-bert/bert-base-uncased']);
  });

  it('a failing system browser is not an unhandled rejection', async () => {
    const links = externalLinks(['huggingface.co'], () => Promise.reject(new Error('no browser')));
    expect(links.open('https://huggingface.co/')).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
  });
});

describe('permissions', () => {
  it('every check and request is denied', () => {
    const handlers: Record<string, (...a: never[]) => unknown> = {};
    const session = {
      setPermissionCheckHandler: (h: never) => void (handlers.check = h),
      setPermissionRequestHandler: (h: never) => void (handlers.request = h),
      setDevicePermissionHandler: (h: never) => void (handlers.device = h),
    } as unknown as PermissionSession;
    denyAllPermissions(session);
    const check = handlers.check as unknown as (wc: null, p: string) => boolean;
    const request = handlers.request as unknown as (wc: null, p: string, cb: (ok: boolean) => void) => void;
    const device = handlers.device as unknown as (d: unknown) => boolean;
    for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read', 'clipboard-sanitized-write', 'hid', 'fullscreen', 'openExternal']) {
      expect(check(null, p), p).toBe(false);
      const answers: boolean[] = [];
      request(null, p, (ok) => answers.push(ok));
      expect(answers, p).toEqual([false]);
    }
    expect(device({ deviceType: 'usb' })).toBe(false);
  });
});

describe('content security policy', () => {
  const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));
  it('the desktop app opens no connection (RPC goes over IPC); its dev server only in development', () => {
    expect(directive(electronCsp(), 'connect-src')).toBe("connect-src 'none'");
    expect(directive(electronCsp('http://localhost:5173/'), 'connect-src')).toBe('connect-src http://localhost:5173 ws://localhost:5173');
    expect(directive(electronCsp(), 'script-src')).toBe("script-src 'self'");
  });
  it('the browser host allows only its own origin and WebSocket', () => {
    expect(directive(browserHostCsp(8765), 'connect-src')).toBe("connect-src 'self' ws://127.0.0.1:8765 ws://localhost:8765 ws://[::1]:8765");
    expect(browserHostCsp(8765)).not.toMatch(/\*|https?:|lw-image/);
  });
});
