/**
 * Image pipeline on sharp: decode → EXIF auto-orient → sRGB, 3 channels (alpha dropped, grey
 * expanded, CMYK converted) → resize per model → Float32Array NCHW, normalised with ImageNet
 * statistics in the channel order the model wants, zero-padded where the model wants it.
 *
 * Resampling, per plan (`ResizePlan.resample`):
 *  - GLIP "bilinear with antialiasing" → sharp kernel `linear`: libvips' triangle filter, whose
 *    support widens with the shrink factor, i.e. PIL's antialiased BILINEAR.
 *  - GroupViT "bilinear without antialias" → `opencv-linear`: upstream resizes with OpenCV's
 *    INTER_LINEAR, which never widens its footprint, also when it shrinks. sharp has no such
 *    kernel, so sharp decodes at full size and `opencv-linear.ts` resizes.
 * Decoding, orientation and colour conversion are sharp's work; the JS loops are that resize
 * and the single pass uint8 HWC → float CHW through per-channel lookup tables.
 */
import { LwError } from '../../shared/errors';
import { openImage } from '../../image/open-image';
import { readImageHeader, UnreadableImage } from '../../image/probe';
import { resizeLinearU8 } from './opencv-linear';

/** Largest image accepted, in pixels (width × height after decoding): 100 megapixels. */
export const MAX_IMAGE_PIXELS = 100_000_000;

export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export type ImageSource = string | Buffer;

export interface PreparedImage {
  /** NCHW float32, dims [1,3,tensorHeight,tensorWidth]. */
  data: Float32Array;
  dims: [1, 3, number, number];
  /** Size after EXIF orientation (the image the user sees; output coordinates refer to it). */
  origWidth: number;
  origHeight: number;
  /** Size after resizing, before padding. */
  ppWidth: number;
  ppHeight: number;
  /** Set once a run has used (and recycled) the tensor: a prepared image is single-use. */
  consumed?: boolean;
}

/**
 * Recycled input tensors. A fresh 14 MB Float32Array costs more in page faults than the
 * normalisation itself, so tensors go back here once the model has read them.
 */
const freeTensors: Float32Array[] = [];
const MAX_FREE_TENSORS = 3;

function takeTensor(length: number): { data: Float32Array; fresh: boolean } {
  const i = freeTensors.findIndex((b) => b.length === length);
  if (i >= 0) return { data: freeTensors.splice(i, 1)[0], fresh: false };
  return { data: new Float32Array(length), fresh: true };
}

/** Hands a prepared image's tensor back for reuse; the prepared image cannot be run again. */
export function recyclePrepared(p: PreparedImage): void {
  if (p.consumed) return;
  p.consumed = true;
  if (freeTensors.length >= MAX_FREE_TENSORS) freeTensors.shift();
  freeTensors.push(p.data);
  p.data = new Float32Array(0);
}

/** Throws when a prepared image has already been run. */
export function checkNotConsumed(p: PreparedImage): void {
  if (p.consumed) throw new LwError('INVALID_ARGUMENT', 'This prepared image has already been run', 'Call prepare() again: a prepared image is single-use.');
}

export interface ResizePlan {
  width: number;
  height: number;
  /** Pad bottom/right to these sizes (≥ width/height). */
  padWidth: number;
  padHeight: number;
  channelOrder: 'rgb' | 'bgr';
  /** Pixel values: ImageNet-normalised (default) or v/255 in [0, 1] (Pix2seq). */
  values?: 'imagenet' | 'unit';
  /** Value of the padding (default 0; Pix2seq pads with 0.3). */
  padValue?: number;
  /** How to resize: sharp's `linear` kernel (antialiased when shrinking) unless 'opencv-linear'. */
  resample?: 'opencv-linear';
}

const describeSource = (src: ImageSource) => (typeof src === 'string' ? src : 'image buffer');

export interface ImageProbe {
  /** Oriented size. */
  width: number;
  height: number;
  /** What the decode pipeline has to do beyond decode + resize (skipped when not needed: each is a pass). */
  needsOrient: boolean;
  needsColour: boolean;
  hasAlpha: boolean;
}

/**
 * Oriented size without decoding pixels, from the one image probe (image/probe.ts) that
 * adding images uses too; refuses oversized images before any allocation.
 */
export async function probeForPrelabel(src: ImageSource): Promise<ImageProbe> {
  let header;
  try {
    header = await readImageHeader(src);
  } catch (e) {
    if (e instanceof UnreadableImage && e.missing) throw new LwError('IMAGE_UNREADABLE', `${describeSource(src)}: no such image file`, 'Check the path.');
    throw unreadable(src, e);
  }
  const { width, height, orientation, pixels } = header;
  checkPixels(src, width, height);
  return {
    width,
    height,
    needsOrient: orientation > 1,
    // 8-bit sRGB needs no conversion (sharp applies an embedded ICC profile itself); grey, CMYK,
    // 16-bit, Lab… do. A JPEG's header is read without sharp, so its layout is not known:
    // asking for sRGB costs nothing when it already is (sRGB is sharp's default output space).
    needsColour: !pixels || pixels.space !== 'srgb' || (pixels.channels !== 3 && pixels.channels !== 4) || pixels.depth !== 'uchar',
    hasAlpha: pixels?.hasAlpha === true,
  };
}

function checkPixels(src: ImageSource, width: number, height: number): void {
  if (width * height > MAX_IMAGE_PIXELS)
    throw new LwError(
      'IMAGE_TOO_LARGE',
      `${describeSource(src)} is ${width}×${height} (${((width * height) / 1e6).toFixed(0)} MP); the limit is ${MAX_IMAGE_PIXELS / 1e6} MP`,
      'Downscale or tile the image before pre-labelling it.',
    );
}

function unreadable(src: ImageSource, e: unknown): LwError {
  const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return new LwError('IMAGE_UNREADABLE', `${describeSource(src)} could not be decoded: ${reason}`, 'Check that the file is a JPEG, PNG, WebP, TIFF, GIF or AVIF image.', { cause: e });
}

/**
 * Decodes, orients and resizes to packed RGB uint8: sharp does all of it, or, for
 * 'opencv-linear', decodes at full size and OpenCV's INTER_LINEAR is applied here.
 */
export async function decodeResized(src: ImageSource, width: number, height: number, probe?: ImageProbe, resample?: ResizePlan['resample']): Promise<Uint8Array> {
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    let img = await openImage(src, { limitInputPixels: MAX_IMAGE_PIXELS });
    if (!probe || probe.needsOrient) img = img.autoOrient();
    if (!probe || probe.needsColour) img = img.toColourspace('srgb');
    if (!probe || probe.hasAlpha) img = img.removeAlpha();
    if (resample !== 'opencv-linear') img = img.resize(width, height, { fit: 'fill', kernel: 'linear' });
    decoded = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    if (e instanceof LwError) throw e;
    throw unreadable(src, e);
  }
  const { data, info } = decoded;
  const rgb = info.channels === 3 ? data : toRgb(data, info.channels, info.width * info.height);
  if (resample !== 'opencv-linear' || (info.width === width && info.height === height)) return rgb;
  return resizeLinearU8(rgb, info.width, info.height, width, height, 3);
}

function toRgb(data: Buffer, channels: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n * 3);
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    const g = data[s];
    out[3 * i] = g;
    out[3 * i + 1] = channels >= 3 ? data[s + 1] : g;
    out[3 * i + 2] = channels >= 3 ? data[s + 2] : g;
  }
  return out;
}

/**
 * Lookup table uint8 → normalised float for the three source channels (R at 0, G at 256, B at
 * 512): exactly fround((v/255 − mean)/std), so the tensor is independent of how it is filled.
 */
const LUT = new Float32Array(768);
for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) LUT[c * 256 + v] = (v / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
/** The same for values v/255, unnormalised. */
const UNIT_LUT = new Float32Array(768);
for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) UNIT_LUT[c * 256 + v] = v / 255;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One pass HWC uint8 RGB → CHW float32 normalised, channel order as asked, zero-padded. */
export function normalizeToChw(rgb: Uint8Array, width: number, height: number, plan: ResizePlan): Float32Array {
  const W = plan.padWidth;
  const H = plan.padHeight;
  const plane = W * H;
  const { data: out, fresh } = takeTensor(3 * plane);
  const pad = plan.padValue ?? 0;
  const lut = plan.values === 'unit' ? UNIT_LUT : LUT;
  if ((!fresh || pad !== 0) && (W !== width || H !== height))
    for (let c = 0; c < 3; c++) {
      const base = c * plane;
      if (W !== width) for (let y = 0; y < height; y++) out.fill(pad, base + y * W + width, base + (y + 1) * W);
      out.fill(pad, base + height * W, base + plane);
    }
  // Planes in the model's channel order.
  const bgr = plan.channelOrder === 'bgr';
  const pr = bgr ? 2 * plane : 0;
  const pb = bgr ? 0 : 2 * plane;
  const pg = plane;
  if (LITTLE_ENDIAN) normalizeWords(rgb, width, height, W, out, pr, pg, pb, lut);
  else
    for (let y = 0; y < height; y++) {
      let i = y * width * 3;
      const row = y * W;
      for (let x = 0; x < width; x++, i += 3) {
        const o = row + x;
        out[pr + o] = lut[rgb[i]];
        out[pg + o] = lut[256 + rgb[i + 1]];
        out[pb + o] = lut[512 + rgb[i + 2]];
      }
    }
  return out;
}

/**
 * The normalisation loop reading the packed RGB bytes as 32-bit words, four pixels (three
 * words) at a time: a quarter of the loads of a byte loop and about 1.7× faster. Each row
 * starts with single pixels up to the first word boundary and ends with the remainder.
 */
function normalizeWords(rgb: Uint8Array, width: number, height: number, W: number, out: Float32Array, pr: number, pg: number, pb: number, lut: Float32Array): void {
  const off = rgb.byteOffset;
  const lead = (4 - (off & 3)) & 3;
  const words = new Uint32Array(rgb.buffer, off + lead, (rgb.byteLength - lead) >> 2);
  const L = lut;
  for (let y = 0; y < height; y++) {
    let i = y * width * 3;
    const row = y * W;
    let x = 0;
    for (; x < width && ((off + i) & 3) !== 0; x++, i += 3) {
      const o = row + x;
      out[pr + o] = L[rgb[i]];
      out[pg + o] = L[256 + rgb[i + 1]];
      out[pb + o] = L[512 + rgb[i + 2]];
    }
    let w = (i - lead) >> 2;
    let r = pr + row + x;
    let g = pg + row + x;
    let b = pb + row + x;
    for (; x + 4 <= width; x += 4, w += 3, r += 4, g += 4, b += 4) {
      const a0 = words[w];
      const a1 = words[w + 1];
      const a2 = words[w + 2];
      out[r] = L[a0 & 255];
      out[g] = L[256 + ((a0 >>> 8) & 255)];
      out[b] = L[512 + ((a0 >>> 16) & 255)];
      out[r + 1] = L[a0 >>> 24];
      out[g + 1] = L[256 + (a1 & 255)];
      out[b + 1] = L[512 + ((a1 >>> 8) & 255)];
      out[r + 2] = L[(a1 >>> 16) & 255];
      out[g + 2] = L[256 + (a1 >>> 24)];
      out[b + 2] = L[512 + (a2 & 255)];
      out[r + 3] = L[(a2 >>> 8) & 255];
      out[g + 3] = L[256 + ((a2 >>> 16) & 255)];
      out[b + 3] = L[512 + (a2 >>> 24)];
    }
    i = (w << 2) + lead;
    for (; x < width; x++, i += 3) {
      const o = row + x;
      out[pr + o] = L[rgb[i]];
      out[pg + o] = L[256 + rgb[i + 1]];
      out[pb + o] = L[512 + rgb[i + 2]];
    }
  }
}

export async function prepareImage(src: ImageSource, plan: (w: number, h: number) => ResizePlan): Promise<PreparedImage> {
  const probe = await probeForPrelabel(src);
  const { width: origWidth, height: origHeight } = probe;
  const p = plan(origWidth, origHeight);
  // The model's input, not the image, is what is too large here (a 20000×1 strip scaled to a short side of 800): say both sizes.
  if (p.padWidth * p.padHeight > MAX_IMAGE_PIXELS)
    throw new LwError('IMAGE_TOO_LARGE', `${describeSource(src)} is ${origWidth}×${origHeight}: scaled for the model it would be ${p.padWidth}×${p.padHeight}, over the ${MAX_IMAGE_PIXELS / 1e6} MP limit`, 'Crop or tile images this elongated before pre-labelling them.');
  const rgb = await decodeResized(src, p.width, p.height, probe, p.resample);
  const data = normalizeToChw(rgb, p.width, p.height, p);
  return { data, dims: [1, 3, p.padHeight, p.padWidth], origWidth, origHeight, ppWidth: p.width, ppHeight: p.height };
}

/**
 * GLIP: short side 800 (maskrcnn-benchmark's `int(800 · long / short)` for the long side),
 * BGR, padded to multiples of 32 — or to the graph's fixed input size when it has one.
 */
export function glipPlan(fixed?: { width: number; height: number }): (w: number, h: number) => ResizePlan {
  return (w, h) => {
    const size = 800;
    let width: number;
    let height: number;
    if (w <= h) {
      width = size;
      height = Math.floor((size * h) / w);
    } else {
      height = size;
      width = Math.floor((size * w) / h);
    }
    if (fixed) {
      if (width > fixed.width || height > fixed.height) {
        // The graph cannot take the 800-short-side image: shrink to fit, keeping the aspect ratio.
        const s = Math.min(fixed.width / width, fixed.height / height);
        width = Math.max(1, Math.floor(width * s));
        height = Math.max(1, Math.floor(height * s));
      }
      return { width, height, padWidth: fixed.width, padHeight: fixed.height, channelOrder: 'bgr' };
    }
    return { width, height, padWidth: Math.ceil(width / 32) * 32, padHeight: Math.ceil(height / 32) * 32, channelOrder: 'bgr' };
  };
}

/**
 * Pix2seq: s = min(S/h, S/w), each side round(x·s) with ties to even (tf.image.resize with
 * preserve_aspect_ratio rounds with tf.round), values in [0, 1], padded to S×S with 0.3.
 */
export function pix2seqPlan(size: number): (w: number, h: number) => ResizePlan {
  return (w, h) => {
    const s = Math.min(size / h, size / w);
    const width = Math.min(size, Math.max(1, roundHalfEven(w * s)));
    const height = Math.min(size, Math.max(1, roundHalfEven(h * s)));
    return { width, height, padWidth: size, padHeight: size, channelOrder: 'rgb', values: 'unit', padValue: 0.3 };
  };
}

/** Rounds to the nearest integer, ties to even (as tf.round and numpy's round). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * GroupViT: scale min(2048/long, 448/short), each side int(x·s + 0.5), RGB, no padding,
 * resized with OpenCV's INTER_LINEAR as upstream (mmcv `imrescale`, cv2 backend).
 */
export function groupvitPlan(w: number, h: number): ResizePlan {
  const s = Math.min(2048 / Math.max(w, h), 448 / Math.min(w, h));
  const width = Math.max(1, Math.floor(w * s + 0.5));
  const height = Math.max(1, Math.floor(h * s + 0.5));
  return { width, height, padWidth: width, padHeight: height, channelOrder: 'rgb', resample: 'opencv-linear' };
}
