import { imageSize } from 'image-size';
import sharp from 'sharp';

export interface ImageHeader {
  format: string;
  /** As displayed: EXIF orientations 5–8 swap the stored width and height. */
  width: number;
  height: number;
  orientation: number;
}

/** Thrown for files that are not usable images; the message is the per-file reason. */
export class UnreadableImage extends Error {}

/**
 * Reads size and orientation from the header without decoding pixels, and rejects files
 * that are visibly cut short (a missing end marker), so a half-copied photo is reported
 * when it is added rather than when a model or a person opens it.
 */
export async function readImageHeader(buf: Uint8Array): Promise<ImageHeader> {
  if (buf.length === 0) throw new UnreadableImage('empty file (0 bytes)');
  let probe: { width?: number; height?: number; type?: string; orientation?: number };
  try {
    probe = imageSize(buf);
  } catch (e) {
    throw new UnreadableImage(`not a supported image (${e instanceof Error ? e.message : String(e)})`);
  }
  const format = probe.type === 'jpg' ? 'jpeg' : (probe.type ?? 'unknown');
  if (!SUPPORTED.has(format)) throw new UnreadableImage(`unsupported image format '${format}'`);
  assertComplete(buf, format);

  let width = probe.width ?? 0;
  let height = probe.height ?? 0;
  let orientation = probe.orientation ?? 1;
  if (format !== 'bmp' && format !== 'jpeg') {
    // PNG, WebP and TIFF can carry EXIF orientation too; sharp reads it from the header.
    try {
      const meta = await sharp(buf, { failOn: 'none' }).metadata();
      width = meta.width ?? width;
      height = meta.height ?? height;
      orientation = meta.orientation ?? orientation;
    } catch (e) {
      throw new UnreadableImage(`cannot read ${format} header (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (!(width > 0 && height > 0)) throw new UnreadableImage(`invalid image size ${width}×${height}`);
  if (orientation >= 5 && orientation <= 8) [width, height] = [height, width];
  return { format, width, height, orientation };
}

const SUPPORTED = new Set(['jpeg', 'png', 'webp', 'bmp', 'tiff']);

function assertComplete(buf: Uint8Array, format: string): void {
  const n = buf.length;
  switch (format) {
    case 'jpeg': {
      // EOI (FF D9) must appear near the end; some cameras append a little data after it.
      const tail = Buffer.from(buf.buffer, buf.byteOffset + Math.max(0, n - 65536), Math.min(n, 65536));
      if (tail.lastIndexOf(Buffer.from([0xff, 0xd9])) < 0) throw new UnreadableImage('truncated JPEG (no end-of-image marker)');
      return;
    }
    case 'png': {
      const tail = Buffer.from(buf.buffer, buf.byteOffset + Math.max(0, n - 64), Math.min(n, 64));
      if (tail.lastIndexOf('IEND', undefined, 'latin1') < 0) throw new UnreadableImage('truncated PNG (no IEND chunk)');
      return;
    }
    case 'webp': {
      const riffSize = Buffer.from(buf.buffer, buf.byteOffset, n).readUInt32LE(4);
      if (riffSize + 8 > n) throw new UnreadableImage(`truncated WebP (${n} of ${riffSize + 8} bytes)`);
      return;
    }
    case 'bmp': {
      const declared = Buffer.from(buf.buffer, buf.byteOffset, n).readUInt32LE(2);
      if (declared > n) throw new UnreadableImage(`truncated BMP (${n} of ${declared} bytes)`);
      return;
    }
    default:
      return;
  }
}
