import { BrowserWindow, session } from 'electron';
import { join } from 'node:path';
import type { AppPages } from './app-pages';
import { electronCsp } from './csp';
import { guardNavigation } from './navigation-guards';
import { denyAllPermissions } from './permissions';

export interface WindowOptions {
  pages: AppPages;
  /** The external-link allowlist (external-links.ts). */
  openExternal(url: string): boolean;
}

/** Once per app: the default session's CSP header and permissions. */
export function secureDefaultSession(pages: AppPages): void {
  const csp = electronCsp(pages.devServerUrl);
  // app:// answers carry the CSP themselves (renderer-protocol.ts); this covers the dev server.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  denyAllPermissions(session.defaultSession);
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'Labelwright',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  guardNavigation(win.webContents, {
    isAppUrl: opts.pages.isAppUrl,
    openExternal: opts.openExternal,
    onRefused: (what, url) => console.warn(`[labelwright] refused ${what} to ${url.slice(0, 200)}`),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.pages.startUrl);
  return win;
}
