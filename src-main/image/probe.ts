/**
 * The one image probe: format, upright size and EXIF orientation from an image's header,
 * without decoding pixels, and (when asked, with the whole file at hand) a check that the
 * file is not visibly cut short. Adding images, pre-labelling and the COCO import all ask it,
 * so the size a project records and the size a model sees come from the same reading of the
 * same bytes.
 *
 * Who reads which header:
 *  - JPEG: image-size, in JS (no libvips round trip: JPEG is the common case and its header
 *    is a few hundred bytes).
 *  - BMP: `bmpSize` from bmp.ts, the decoder's own reading, since libvips cannot read BMP.
 *  - PNG, WebP, TIFF and the rest: sharp's header read, which also finds the EXIF
 *    orientation PNG and WebP can carry, and the pixel layout the decoder will meet.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { imageSize } from 'image-size';
import sharp from 'sharp';
import { bmpSize } from './bmp';

export interface ImageHeader {
  /** 'jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif', … */
  format: string;
  /** As displayed: EXIF orientations 5–8 swap the stored width and height. */
  width: number;
  height: number;
  /** EXIF orientation, 1–8 (1 when absent). */
  orientation: number;
  /** The pixels the decoder will meet; null for JPEG, whose header is read without sharp. */
  pixels: PixelLayout | null;
}

export interface PixelLayout {
  /** libvips interpretation: 'srgb', 'b-w', 'cmyk', 'rgb16', … */
  space: string;
  channels: number;
  /** libvips band format: 'uchar', 'ushort', … */
  depth: string;
  hasAlpha: boolean;
}

/** Thrown for files that are not usable images; the message is the per-file reason. */
export class UnreadableImage extends Error {
  constructor(
    message: string,
    /** The path does not exist (as opposed to existing and being unreadable or not an image). */
    readonly missing = false,
  ) {
    super(message);
  }
}

export interface ProbeOptions {
  /**
   * Also reject files that are visibly cut short (a missing end marker), so a half-copied
   * photo is reported when it is added rather than when a model or a person opens it. Reads
   * the whole file.
   */
  checkComplete?: boolean;
  /** Formats to accept; others are refused by name before anything else is read. */
  formats?: ReadonlySet<string>;
}

/**
 * Reads an image's header from a file (only its first bytes in the usual case) or from bytes
 * in memory. Throws UnreadableImage with the reason when it is not an image it can size.
 */
export async function readImageHeader(src: string | Uint8Array, opts: ProbeOptions = {}): Promise<ImageHeader> {
  if (typeof src !== 'string') return probeBytes(src, src, opts);
  const head = await readHead(src, opts.checkComplete ? Infinity : HEAD_BYTES);
  if (head.whole) return probeBytes(head.bytes, src, opts);
  const size = sizeOf(head.bytes);
  // A JPEG whose markers run past the first bytes (large EXIF, ICC or XMP segments): read all
  // of it, so that a file gives the same answer as its bytes.
  if (size instanceof Error) return probeBytes((await readHead(src, Infinity)).bytes, src, opts);
  return probeBytes(head.bytes, src, opts, size);
}

type Size = { width?: number; height?: number; type?: string; orientation?: number };

function sizeOf(bytes: Uint8Array): Size | Error {
  try {
    return imageSize(bytes);
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

async function probeBytes(bytes: Uint8Array, source: string | Uint8Array, opts: ProbeOptions, known?: Size): Promise<ImageHeader> {
  if (bytes.length === 0) throw new UnreadableImage('empty file (0 bytes)');
  const size = known ?? sizeOf(bytes);
  if (size instanceof Error) {
    // No known signature at all (a text file named .jpg): say what the file starts with.
    if (/^unsupported file type/.test(size.message))
      throw new UnreadableImage(`not an image: it starts with ${describeStart(bytes)}, not a JPEG, PNG, WebP, BMP or TIFF signature`);
    throw new UnreadableImage(`not a supported image (${reason(size)})`);
  }
  const format = size.type === 'jpg' ? 'jpeg' : (size.type ?? 'unknown');
  if (opts.formats && !opts.formats.has(format)) throw new UnreadableImage(`unsupported image format '${format}'`);
  if (opts.checkComplete) assertComplete(bytes, format);

  let header: Omit<ImageHeader, 'format'>;
  if (format === 'jpeg') header = { width: size.width ?? 0, height: size.height ?? 0, orientation: size.orientation ?? 1, pixels: null };
  else if (format === 'bmp') header = { ...bmpHeader(bytes), orientation: 1, pixels: DECODED_BMP };
  else header = await sharpHeader(source, format);

  let { width, height } = header;
  const orientation = header.orientation >= 1 && header.orientation <= 8 ? header.orientation : 1;
  if (!(width > 0 && height > 0)) throw new UnreadableImage(`invalid image size ${width}×${height}`);
  if (orientation >= 5) [width, height] = [height, width];
  return { format, width, height, orientation, pixels: header.pixels };
}

/** What bmp.ts hands sharp: 8-bit RGB. */
const DECODED_BMP: PixelLayout = { space: 'srgb', channels: 3, depth: 'uchar', hasAlpha: false };

function bmpHeader(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.length < 26) throw new UnreadableImage(`truncated BMP (${bytes.length} bytes, the header needs 26)`);
  return bmpSize(bytes);
}

async function sharpHeader(source: string | Uint8Array, format: string): Promise<Omit<ImageHeader, 'format'>> {
  try {
    // No pixel limit here: the header of a huge image is still readable, and what is too
    // large is for the caller to decide (pre-labelling has its own limit).
    const meta = await sharp(source, { failOn: 'none', limitInputPixels: false }).metadata();
    return {
      width: meta.width ?? 0,
      height: meta.height ?? 0,
      orientation: meta.orientation ?? 1,
      pixels: { space: meta.space ?? 'srgb', channels: meta.channels ?? 3, depth: meta.depth ?? 'uchar', hasAlpha: meta.hasAlpha === true },
    };
  } catch (e) {
    throw new UnreadableImage(`cannot read ${format} header (${reason(e)})`);
  }
}

/** Bytes a JPEG's markers up to its frame header usually fit in (EXIF is at most one 64 KB segment). */
const HEAD_BYTES = 64 * 1024;

async function readHead(path: string, limit = HEAD_BYTES): Promise<{ bytes: Uint8Array; whole: boolean }> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UnreadableImage('no such image file', true);
    throw new UnreadableImage(`cannot read file (${code ?? reason(e)})`);
  }
  try {
    if (limit === Infinity) return { bytes: await fh.readFile(), whole: true };
    const buf = Buffer.allocUnsafe(limit);
    const { bytesRead } = await fh.read(buf, 0, limit, 0);
    return { bytes: buf.subarray(0, bytesRead), whole: bytesRead < limit };
  } catch (e) {
    throw new UnreadableImage(`cannot read file (${(e as NodeJS.ErrnoException).code ?? reason(e)})`);
  } finally {
    // Not awaited: nothing depends on it, and it is one thread-pool round trip less.
    void fh.close().catch(() => undefined);
  }
}

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

/** The first bytes of a file for a person: as text when they are printable, else in hex. */
function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 16);
  const printable = head.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d);
  if (printable) return JSON.stringify(Buffer.from(head).toString('latin1'));
  return `bytes ${Buffer.from(head).toString('hex').replace(/(..)(?!$)/g, '$1 ')}`;
}

const reason = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));
