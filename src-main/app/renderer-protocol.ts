/**
 * `app://renderer/…`: the desktop app's pages, served from the built renderer folder
 * (out/renderer) instead of `file://`. A custom scheme is a real origin: the CSP travels as
 * a response header (file:// pages only get the meta tag), `'self'` means the app and
 * nothing else on disk, and the fuse that grants file:// pages extra powers can stay off.
 *
 * The handler is a plain `(Request) => Promise<Response>`, so tests call it without
 * Electron; main.ts hands it to `protocol.handle`.
 */
import { readFile as readFileCb, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { looksLikeTraversal, staticContentType } from './image-routes';

// The callback and sync fs calls: those Electron makes read inside app.asar in every version.
const readFile = promisify(readFileCb);

export const RENDERER_SCHEME = 'app';
export const RENDERER_HOST = 'renderer';
export const RENDERER_ORIGIN = `${RENDERER_SCHEME}://${RENDERER_HOST}`;
export const RENDERER_INDEX_URL = `${RENDERER_ORIGIN}/index.html`;

/** What `protocol.registerSchemesAsPrivileged` needs for a standard, secure origin that can run module scripts. */
export const RENDERER_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

const refuse = (status: number, text: string) =>
  new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });

/**
 * Serves files under `rootDir` only: `app://renderer/` is index.html; any other host, a
 * dot segment, an encoded slash or dot, a backslash, or a symlink leading outside gets 403;
 * a missing file 404. Every answer carries the CSP header.
 */
export function createRendererHandler(rootDir: string, csp: string): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  let realRoot: string | null = null;
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    const prefix = `${RENDERER_ORIGIN}/`;
    // Judged on the raw URL: Request has already collapsed plain `..` segments, so those
    // can only stay inside the origin; the encoded ones are refused here.
    if (!request.url.toLowerCase().startsWith(prefix)) return refuse(403, 'Forbidden');
    const rawPath = request.url.slice(prefix.length).split(/[?#]/)[0];
    if (looksLikeTraversal(rawPath)) return refuse(403, 'Forbidden');
    const rel = rawPath === '' ? 'index.html' : decodeURIComponent(rawPath);
    const file = resolve(root, rel);
    if (!file.startsWith(root + sep)) return refuse(403, 'Forbidden');
    try {
      // A symlink inside the folder must not lead out of it.
      const real = realpathSync(file);
      const base = (realRoot ??= realpathSync(root));
      if (!real.startsWith(base + sep)) return refuse(403, 'Forbidden');
      // A folder fails to read (EISDIR): 404 like a missing file.
      const bytes = new Uint8Array(await readFile(real));
      const body = request.method === 'HEAD' ? null : bytes;
      return new Response(body, {
        headers: {
          'Content-Type': staticContentType(real),
          'Content-Security-Policy': csp,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-cache',
        },
      });
    } catch {
      return refuse(404, 'Not found');
    }
  };
}
