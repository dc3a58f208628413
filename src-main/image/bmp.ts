/**
 * BMP decoding. libvips (and so sharp) cannot read BMP, yet Windows tools and many
 * datasets produce it, and the project accepts it; so BMP pixels are decoded here and
 * handed to sharp as raw RGB. Uncompressed 1/4/8-bit palette, 16/24/32-bit and bit-field
 * files cover what is found in practice; RLE-compressed files get a clear error.
 *
 * Why hand-written, not a library: bmp-js (last release 0.1.0, long unmaintained) and its
 * TypeScript port bmp-ts decode to 4-byte ABGR pixels; decode-bmp returns RGBA ImageData;
 * either means a third more memory and one more pass before sharp, which takes RGB.
 * @misskey-dev/sharp-read-bmp (decode-bmp behind a sharp instance) is the closest fit but
 * adds decode-bmp, decode-ico and a second sharp version range to keep in step. This is ~120 lines
 * with tests, and the probe (probe.ts) takes sizes from `bmpSize` here, so it reports exactly
 * what the decoder will produce, OS/2 headers included (image-size misreads those).
 */
export interface RawRgb {
  data: Buffer;
  width: number;
  height: number;
}

export function isBmp(head: Uint8Array): boolean {
  return head.length >= 26 && head[0] === 0x42 && head[1] === 0x4d;
}

/** Width and height from the header, without decoding. */
export function bmpSize(head: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const dib = b.readUInt32LE(14);
  if (dib === 12) return { width: b.readUInt16LE(18), height: b.readUInt16LE(20) };
  return { width: Math.abs(b.readInt32LE(18)), height: Math.abs(b.readInt32LE(22)) };
}

export function decodeBmp(input: Uint8Array): RawRgb {
  const b = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!isBmp(b)) throw new Error('not a BMP file');
  const dataOffset = b.readUInt32LE(10);
  const dib = b.readUInt32LE(14);
  const core = dib === 12;
  const width = core ? b.readUInt16LE(18) : b.readInt32LE(18);
  const rawHeight = core ? b.readInt16LE(20) : b.readInt32LE(22);
  const bpp = core ? b.readUInt16LE(24) : b.readUInt16LE(28);
  const compression = core ? 0 : b.readUInt32LE(30);
  const height = Math.abs(rawHeight);
  const bottomUp = rawHeight > 0;
  if (width <= 0 || height <= 0) throw new Error(`invalid BMP size ${width}×${rawHeight}`);
  if (compression !== 0 && compression !== 3 && compression !== 6)
    throw new Error(`BMP compression ${compression} (RLE or embedded JPEG/PNG) is not supported; convert the file to PNG`);

  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * height > b.length) throw new Error(`truncated BMP (${b.length} bytes, pixel data needs ${dataOffset + stride * height})`);
  const out = Buffer.allocUnsafe(width * height * 3);

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const entry = core ? 3 : 4;
    const used = core ? 0 : b.readUInt32LE(46);
    const count = used || 1 << bpp;
    const start = 14 + dib;
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < count && start + i * entry + 2 < b.length; i++) {
      palette[i * 3] = b[start + i * entry + 2];
      palette[i * 3 + 1] = b[start + i * entry + 1];
      palette[i * 3 + 2] = b[start + i * entry];
    }
  }
  const masks = bitMasks(b, bpp, compression);

  for (let y = 0; y < height; y++) {
    const row = dataOffset + (bottomUp ? height - 1 - y : y) * stride;
    let o = y * width * 3;
    if (bpp === 24) {
      for (let x = 0, s = row; x < width; x++, s += 3, o += 3) {
        out[o] = b[s + 2];
        out[o + 1] = b[s + 1];
        out[o + 2] = b[s];
      }
    } else if (palette) {
      const perByte = 8 / bpp;
      const mask = (1 << bpp) - 1;
      for (let x = 0; x < width; x++, o += 3) {
        const byte = b[row + Math.floor(x / perByte)];
        const idx = (byte >> (8 - bpp * ((x % perByte) + 1))) & mask;
        out[o] = palette[idx * 3];
        out[o + 1] = palette[idx * 3 + 1];
        out[o + 2] = palette[idx * 3 + 2];
      }
    } else if (masks) {
      const bytes = bpp / 8;
      for (let x = 0, s = row; x < width; x++, s += bytes, o += 3) {
        const v = bytes === 4 ? b.readUInt32LE(s) : b.readUInt16LE(s);
        out[o] = channel(v, masks[0]);
        out[o + 1] = channel(v, masks[1]);
        out[o + 2] = channel(v, masks[2]);
      }
    } else throw new Error(`BMP with ${bpp} bits per pixel is not supported`);
  }
  return { data: out, width, height };
}

type Mask = { shift: number; bits: number };

function bitMasks(b: Buffer, bpp: number, compression: number): [Mask, Mask, Mask] | null {
  if (bpp !== 16 && bpp !== 32) return null;
  let r: number, g: number, bl: number;
  if (compression === 3 || compression === 6) {
    // Masks follow a 40-byte header, or sit inside a V4/V5 header at the same offsets.
    r = b.readUInt32LE(54);
    g = b.readUInt32LE(58);
    bl = b.readUInt32LE(62);
  } else if (bpp === 16) [r, g, bl] = [0x7c00, 0x03e0, 0x001f];
  else [r, g, bl] = [0xff0000, 0x00ff00, 0x0000ff];
  return [toMask(r), toMask(g), toMask(bl)];
}

function toMask(m: number): Mask {
  if (!m) return { shift: 0, bits: 0 };
  let shift = 0;
  while (((m >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (((m >>> (shift + bits)) & 1) === 1) bits++;
  return { shift, bits };
}

function channel(v: number, m: Mask): number {
  if (!m.bits) return 0;
  const x = (v >>> m.shift) & ((1 << m.bits) - 1);
  return m.bits >= 8 ? x >>> (m.bits - 8) : Math.round((x * 255) / ((1 << m.bits) - 1));
}
