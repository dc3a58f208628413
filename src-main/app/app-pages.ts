/**
 * Which page the window loads, and which pages count as the app's own (the only ones that
 * may navigate, or talk to the services over IPC). A packaged build always loads
 * `app://renderer/index.html`: ELECTRON_RENDERER_URL (electron-vite's dev server) is
 * honoured only in an unpackaged run, and only when it points at this machine.
 */
import { RENDERER_INDEX_URL, RENDERER_ORIGIN } from './renderer-protocol';

export interface AppPages {
  /** What the main window loads. */
  startUrl: string;
  /** The dev server's URL when one is in use, else undefined. */
  devServerUrl?: string;
  /** True for a URL of the app's own pages (any path, query or hash on its origin). */
  isAppUrl(url: string): boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function appPages(opts: { isPackaged: boolean; devUrl?: string }): AppPages {
  const dev = !opts.isPackaged && opts.devUrl ? parseDevUrl(opts.devUrl) : null;
  const origin = dev ? dev.origin : RENDERER_ORIGIN;
  return {
    startUrl: dev ? dev.href : RENDERER_INDEX_URL,
    devServerUrl: dev?.href,
    isAppUrl: (url) => {
      try {
        const u = new URL(url);
        // A URL's origin is 'null' for non-special schemes in Node: compare protocol and host.
        return `${u.protocol}//${u.host}` === origin && !u.username && !u.password;
      } catch {
        return false;
      }
    },
  };
}

function parseDevUrl(devUrl: string): URL | null {
  try {
    const u = new URL(devUrl);
    return (u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK.has(u.hostname) ? u : null;
  } catch {
    return null;
  }
}
