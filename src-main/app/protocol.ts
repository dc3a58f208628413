import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { displayImage } from '../image/display-image';
import { imageContentType, parseProtocolUrl } from './image-routes';
import { RENDERER_SCHEME, RENDERER_SCHEME_PRIVILEGES } from './renderer-protocol';
import type { AppSession } from './session';

/** `lw-image://image/<id>` (full image, upright: display-image.ts) and `lw-image://thumb/<id>` (256 px JPEG). */
export const IMAGE_SCHEME = 'lw-image';

/**
 * Both of the app's schemes, in the one call Electron allows (a second call replaces the
 * first): `app://` for the pages (renderer-protocol.ts) and `lw-image://` for pixels.
 * Must run before app 'ready'.
 */
export function registerAppSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: RENDERER_SCHEME, privileges: RENDERER_SCHEME_PRIVILEGES },
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

const headers = (type: string) => ({
  'Content-Type': type,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'private, max-age=300',
});

const refuse = (status: number, text: string) =>
  new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });

/**
 * Serves pixels to the renderer, confined to the open project's registered images: the
 * URL names an image id, never a path. Traversal attempts and unregistered ids get 403.
 */
export function handleImageProtocol(session: AppSession): void {
  protocol.handle(IMAGE_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    const route = parseProtocolUrl(request.url, IMAGE_SCHEME);
    const file = route ? session.imageFile(route.id) : null;
    if (!route || !file) return refuse(403, 'Forbidden: not an image of the open project');
    try {
      if (route.kind === 'thumb') return new Response(new Uint8Array(await session.thumbs.get(file)), { headers: headers('image/jpeg') });
      // Upright pixels (display-image.ts): the same bytes the browser host serves.
      const shown = await displayImage(file.path);
      if ('bytes' in shown) return new Response(new Uint8Array(shown.bytes), { headers: headers(shown.type) });
      return new Response(new Uint8Array(await readFile(shown.file)), { headers: headers(shown.type ?? imageContentType(shown.file)) });
    } catch {
      return refuse(404, 'Image file not found');
    }
  });
}
