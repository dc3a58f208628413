/**
 * The one Content-Security-Policy, in its two shapes: the desktop app (pages on
 * `app://renderer`, RPC over IPC, pixels from `lw-image:`) and the browser host (pages,
 * pixels and the `/rpc` WebSocket all on the host's own origin). Nothing else is reachable:
 * no remote script, style, image or connection in either.
 */
const COMMON = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
];

/**
 * Electron. The renderer talks to main through the preload's IPC bridge only, so it opens
 * no connection at all: `connect-src 'none'`. In development (electron-vite's dev server,
 * never in a packaged build) vite's module loading and hot reload need that server's origin.
 */
export function electronCsp(devServerUrl?: string): string {
  let connect = "'none'";
  if (devServerUrl) {
    const u = new URL(devServerUrl);
    connect = `${u.origin} ws://${u.host}`;
  }
  return [...COMMON, "img-src 'self' data: blob: lw-image:", `connect-src ${connect}`].join('; ');
}

/**
 * Browser host. The only connection is the WebSocket to `/rpc` on the page's own origin:
 * `'self'` covers it behind an SSH tunnel or proxy on another local port; the listening
 * port is also named for browsers whose `'self'` does not match `ws:`.
 */
export function browserHostCsp(port: number): string {
  const ws = ['127.0.0.1', 'localhost', '[::1]'].map((h) => `ws://${h}:${port}`).join(' ');
  return [...COMMON, "img-src 'self' data: blob:", `connect-src 'self' ${ws}`].join('; ');
}
