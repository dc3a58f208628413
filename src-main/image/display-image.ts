/**
 * What the editor is shown for an image: pixels already upright, at the size the project
 * recorded. The add path records the size as displayed (EXIF orientations 5–8 swap width and
 * height), and boxes are drawn on that; but browsers do not apply EXIF orientation alike
 * (Chromium ignores it in WebP), so a file is served as it is only when it has nothing to
 * apply. Shared by the browser host's `/images/:id` and Electron's `lw-image://image/:id`.
 *
 *  - orientation 1 or absent, in a format browsers show (JPEG, PNG, WebP, BMP, GIF, AVIF):
 *    the file itself, untouched (the cheap path: only its header is read, by probe.ts);
 *  - any other orientation: decoded, turned upright and re-encoded in its own format when
 *    the browser shows it (JPEG, PNG, WebP), else as PNG; the result carries no orientation,
 *    so nothing is applied twice;
 *  - formats browsers do not show (TIFF): PNG, upright.
 * Files the probe cannot read go out as they are, as before: the editor then shows its
 * broken-image state rather than the host failing the request.
 */
import { stat } from 'node:fs/promises';
import type { Sharp } from 'sharp';
import { openImage } from './open-image';
import { readImageHeader } from './probe';

export type DisplayImage =
  /** Send the file as it is; `type` is undefined when the probe could not tell the format. */
  | { file: string; type: string | undefined }
  /** Send these bytes. */
  | { bytes: Buffer; type: string };

/** Formats every browser the app runs in (Chromium, Electron) paints from the file itself. */
const SHOWN_AS_IS: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
  avif: 'image/avif',
};

/**
 * Re-encoders by source format. Photos stay lossy at a quality meant for looking closely
 * (the models read the original file, never these bytes); the rest becomes lossless PNG.
 */
const ENCODE: Record<string, { type: string; encode: (img: Sharp) => Sharp }> = {
  jpeg: { type: 'image/jpeg', encode: (img) => img.jpeg({ quality: 92 }) },
  // effort 0: a 12-megapixel WebP in about 2 s instead of 5, for a copy only looked at
  webp: { type: 'image/webp', encode: (img) => img.webp({ quality: 92, effort: 0 }) },
};
const PNG = { type: 'image/png', encode: (img: Sharp) => img.png() };

/** Re-encoded images kept in memory: the editor asks again when a person goes back and forth. */
const CACHE_BYTES = 128 * 1024 * 1024;
const cache = new Map<string, { bytes: Buffer; type: string }>();
let cachedBytes = 0;
const inflight = new Map<string, Promise<DisplayImage>>();

export async function displayImage(path: string): Promise<DisplayImage> {
  const asIs: DisplayImage = { file: path, type: undefined };
  const header = await readImageHeader(path).catch(() => null);
  if (!header) return asIs;
  const shown = SHOWN_AS_IS[header.format];
  if (header.orientation === 1 && shown) return { file: path, type: shown };

  // The key follows the file's content as the file system sees it, so an edited file is
  // re-encoded (the project's hash may be stale until `add --update-changed`).
  const st = await stat(path).catch(() => null);
  if (!st) return asIs;
  const key = `${path}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let p = inflight.get(key);
  if (!p) {
    p = upright(path, header.format)
      .then((out) => (out ? remember(key, out) : { file: path, type: shown }))
      .finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}

async function upright(path: string, format: string): Promise<{ bytes: Buffer; type: string } | null> {
  const { type, encode } = ENCODE[format] ?? PNG;
  try {
    // autoOrient turns the pixels; the output carries no metadata, so no orientation tag, and
    // colours converted to sRGB from any embedded profile (as the thumbnails are).
    const img = (await openImage(path, { failOn: 'none' })).autoOrient();
    return { bytes: await encode(img).toBuffer(), type };
  } catch {
    return null; // undecodable: the file as it is, as before
  }
}

function remember(key: string, out: { bytes: Buffer; type: string }): { bytes: Buffer; type: string } {
  if (out.bytes.length > CACHE_BYTES / 4) return out;
  cache.set(key, out);
  cachedBytes += out.bytes.length;
  for (const [k, v] of cache) {
    if (cachedBytes <= CACHE_BYTES) break;
    cache.delete(k);
    cachedBytes -= v.bytes.length;
  }
  return out;
}
