/**
 * What a window's page may do to leave the app: nothing. Navigations and redirects to
 * anything but the app's own pages are cancelled, new windows are refused (an allowed
 * https link goes to the system browser instead), and <webview> cannot be attached.
 * Electron's objects come in as parameters, typed by the few members used, so the rules
 * are tested without Electron.
 */
import type { Event, HandlerDetails, WebContents } from 'electron';

export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export interface GuardOptions {
  isAppUrl(url: string): boolean;
  /** The external-link allowlist; true when it opened the URL. */
  openExternal(url: string): boolean;
  /** Told about each refusal (main.ts logs it). */
  onRefused?(what: 'navigate' | 'redirect' | 'window' | 'webview', url: string): void;
}

export function guardNavigation(wc: GuardedContents, opts: GuardOptions): void {
  const refuse = (what: 'navigate' | 'redirect', e: Event, url: string) => {
    if (opts.isAppUrl(url)) return;
    e.preventDefault();
    opts.onRefused?.(what, url);
  };
  wc.on('will-navigate', (e, url) => refuse('navigate', e, url));
  wc.on('will-frame-navigate', (e) => refuse('navigate', e, e.url));
  wc.on('will-redirect', (e, url) => refuse('redirect', e, url));
  wc.on('will-attach-webview', (e, _prefs, params) => {
    e.preventDefault();
    opts.onRefused?.('webview', params.src ?? '');
  });
  wc.setWindowOpenHandler(({ url }: HandlerDetails) => {
    if (!opts.openExternal(url)) opts.onRefused?.('window', url);
    return { action: 'deny' };
  });
}
