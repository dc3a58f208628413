/**
 * COCO RLE objects: the compressed form ({ size, counts: string }) to and from masks, and
 * the uncompressed form COCO uses for crowd annotations.
 */
import type { Rle } from '../contract';
import { checkDims } from './dims';
import { decodeCounts } from './rle-decode';
import { encodeCounts } from './rle-encode';
import { countsToString, stringToCounts } from './rle-string';
import type { BinaryMask, Counts, UncompressedRle } from './types';

/** Mask -> COCO compressed RLE (`counts` string), identical to pycocotools' encode. */
export function encodeMask(mask: BinaryMask): Rle {
  return { size: [mask.height, mask.width], counts: countsToString(encodeCounts(mask)) };
}

/** COCO compressed RLE -> mask; throws on a malformed string or counts not summing to h*w. */
export function decodeRle(rle: Rle): BinaryMask {
  const [h, w] = rle.size;
  return decodeCounts(stringToCounts(rle.counts), h, w);
}

/**
 * Either COCO RLE form -> the compressed one, after checking the counts: non-negative
 * integers summing to height*width (a wrong sum means a wrong `size` or a truncated list).
 */
export function toCompressed(rle: UncompressedRle | Rle): Rle {
  if (!Array.isArray(rle.size) || rle.size.length !== 2)
    throw new Error(`RLE size must be [height, width], got ${JSON.stringify(rle.size)}`);
  const h = rle.size[0];
  const w = rle.size[1];
  checkDims(h, w);
  const counts = typeof rle.counts === 'string' ? stringToCounts(rle.counts) : rle.counts;
  let sum = 0;
  for (let j = 0; j < counts.length; j++) {
    const c = counts[j];
    if (!(Number.isInteger(c) && c >= 0 && c <= 0xffffffff))
      throw new Error(`RLE count ${j} is ${JSON.stringify(c)}, not a non-negative integer`);
    sum += c;
  }
  if (sum !== h * w)
    throw new Error(`RLE run lengths sum to ${sum}, expected height×width = ${h}×${w} = ${h * w}`);
  return { size: [h, w], counts: typeof rle.counts === 'string' ? rle.counts : countsToString(counts) };
}

/** The uncompressed counts of an RLE in either form, or the counts themselves. */
export function countsOf(rle: Rle | UncompressedRle | Counts): Counts {
  if (isCounts(rle)) return rle;
  return typeof rle.counts === 'string' ? stringToCounts(rle.counts) : rle.counts;
}

function isCounts(x: Rle | UncompressedRle | Counts): x is Counts {
  return x instanceof Uint32Array || Array.isArray(x);
}
