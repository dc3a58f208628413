/**
 * In-memory mask types. Masks are row-major like image buffers (so they can be filled from
 * canvas/ImageData without a transpose); only the RLE wire format is column-major.
 */

/** A binary mask, row-major: pixel (x, y) is `data[y * width + x]`. Any non-zero byte counts as 1. */
export interface BinaryMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Uncompressed COCO run lengths, column-major (Fortran order), alternating zeros/ones and
 * starting with a (possibly empty) run of zeros. Typed arrays from our encoders; plain arrays
 * are what COCO JSON gives.
 */
export type Counts = Uint32Array | readonly number[];

/** COCO's uncompressed RLE object, as found in `iscrowd: 1` annotations. */
export interface UncompressedRle {
  size: readonly [number, number] | readonly number[];
  counts: readonly number[] | Uint32Array | string;
}
