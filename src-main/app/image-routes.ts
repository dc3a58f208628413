/**
 * The one rule for serving pixels, shared by the browser host (`/images/:id`,
 * `/thumbs/:id`) and Electron's `lw-image://image/:id` protocol: an image is addressed
 * only by its id in the open project, never by a path. Anything that looks like a path
 * (dot segments, encoded dots or slashes, backslashes, NUL) is refused before lookup.
 * What an image route sends is image/display-image.ts's answer: upright pixels, the file
 * itself when it has no orientation to apply.
 */
import { extname } from 'node:path';

export type ImageRoute = { kind: 'image' | 'thumb'; id: number };

/** True when a raw (undecoded) URL path tries to leave its folder. */
export function looksLikeTraversal(rawPath: string): boolean {
  let decoded: string;
  try {
    // decode twice: %252e%252e is %2e%2e after one pass
    decoded = decodeURIComponent(decodeURIComponent(rawPath));
  } catch {
    return true; // malformed escapes are never ours
  }
  return /(^|[/\\])\.\.?([/\\]|$)/.test(decoded) || decoded.includes('\\') || decoded.includes('\0') || /%2f|%5c|%2e/i.test(rawPath);
}

/**
 * Parses `<prefix>/<id>` where prefix is `images` or `thumbs` (host) or the protocol host
 * `image`/`thumb` (Electron). Returns null for anything else.
 */
export function parseImageRoute(kind: string, rest: string): ImageRoute | null {
  const k = kind === 'images' || kind === 'image' ? 'image' : kind === 'thumbs' || kind === 'thumb' ? 'thumb' : null;
  if (!k || !/^[1-9]\d{0,15}$/.test(rest)) return null;
  const id = Number(rest);
  return Number.isSafeInteger(id) ? { kind: k, id } : null;
}

const IMAGE_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
};

export function imageContentType(path: string): string {
  return IMAGE_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function staticContentType(path: string): string {
  return STATIC_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Electron's `lw-image://image/<id>` and `lw-image://thumb/<id>`, judged on the raw URL
 * (before any dot-segment collapsing): the route, or null for anything else (403).
 */
export function parseProtocolUrl(url: string, scheme: string): ImageRoute | null {
  const prefix = `${scheme}://`;
  if (!url.toLowerCase().startsWith(prefix)) return null;
  const raw = url.slice(prefix.length).split(/[?#]/)[0];
  if (looksLikeTraversal(raw)) return null;
  const [host, ...rest] = raw.split('/');
  return rest.length === 1 ? parseImageRoute(host.toLowerCase(), rest[0]) : null;
}
