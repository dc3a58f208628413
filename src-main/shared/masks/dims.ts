/** Size checks shared by the codecs, with messages that say what was expected. */
import type { BinaryMask } from './types';

export function checkDims(h: number, w: number): void {
  if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 0 && w >= 0))
    throw new Error(`mask size must be non-negative integers, got ${h}×${w}`);
  if (h * w > 0xffffffff)
    throw new Error(`mask ${h}×${w} has more than 2^32 pixels, which RLE counts cannot address`);
}

export function checkSize(mask: BinaryMask): void {
  checkDims(mask.height, mask.width);
  if (mask.data.length !== mask.width * mask.height)
    throw new Error(
      `mask data has ${mask.data.length} bytes, expected width×height = ${mask.width}×${mask.height} = ${mask.width * mask.height}`,
    );
}
