/** BMP test images written by hand: sharp cannot encode BMP. */

/** A BMP with a red square on grey, written by hand: 24-bit bottom-up, or 8-bit palette top-down. */
export function bmpWithSquare(width: number, height: number, square: { x: number; y: number; s: number }, mode: '24' | '8-topdown'): Buffer {
  const red = (x: number, y: number) => x >= square.x && x < square.x + square.s && y >= square.y && y < square.y + square.s;
  const bpp = mode === '24' ? 24 : 8;
  const stride = Math.ceil((width * bpp) / 32) * 4;
  const paletteBytes = bpp === 8 ? 256 * 4 : 0;
  const offset = 54 + paletteBytes;
  const b = Buffer.alloc(offset + stride * height);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(offset, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(mode === '24' ? height : -height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(bpp, 28);
  if (bpp === 8) {
    b.writeUInt32LE(2, 46); // two colours used: 0 grey, 1 red (BGR0)
    b.set([128, 128, 128, 0, 0, 0, 255, 0], 54);
  }
  for (let y = 0; y < height; y++) {
    const row = offset + (mode === '24' ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      if (bpp === 24) b.set(red(x, y) ? [0, 0, 255] : [128, 128, 128], row + x * 3);
      else b[row + x] = red(x, y) ? 1 : 0;
    }
  }
  return b;
}
