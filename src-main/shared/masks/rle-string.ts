/**
 * The compressed `counts` string of pycocotools (rleToString / rleFrString in maskApi.c).
 *
 * Each count becomes a little-endian sequence of 5-bit groups, one character per group:
 * char = 48 + group, with 0x20 set on every group but the last. The last group's bit 0x10
 * is the sign (the value is sign-extended), which is why a positive 16 needs two characters.
 * From the fourth count on (index > 2, not >= 2: that is what maskApi.c does) the value
 * written is the difference to the count two places back, which is small and often negative.
 *
 * Counts may reach 2^32 - 1 and deltas may be as low as -(2^32 - 1), both outside int32, so
 * the slow path uses float arithmetic; the int32 fast path covers every real mask.
 */
import type { Counts } from './types';

const MAX_COUNT = 0xffffffff;
/** ceil(34 bits / 5): a uint32 delta plus its sign bit needs at most 7 groups. */
const MAX_GROUPS = 7;

export function countsToString(counts: Counts): string {
  const m = counts.length;
  // Typed counts are uint32 by construction; plain arrays (COCO JSON) are checked. When
  // every count is below 2^31 every delta fits int32 and the loop stays in integer math.
  let max = 0;
  const typed = counts instanceof Uint32Array;
  for (let i = 0; i < m; i++) {
    const c = counts[i];
    if (!typed && !(c >= 0 && c <= MAX_COUNT && Number.isInteger(c)))
      throw new Error(`RLE count ${i} is ${c}, not an integer in [0, 2^32)`);
    if (c > max) max = c;
  }
  // At most 7 chars per count; a byte buffer decoded once beats string concatenation.
  const out = new Uint8Array(m * MAX_GROUPS);
  let p = 0;
  if (max <= 0x7fffffff) {
    for (let i = 0; i < m; i++) {
      let x = i > 2 ? counts[i] - counts[i - 2] : counts[i];
      for (;;) {
        const g = x & 0x1f;
        x >>= 5;
        if (g & 0x10 ? x === -1 : x === 0) {
          out[p++] = g + 48;
          break;
        }
        out[p++] = g + 80; // 48 + 0x20: more groups follow
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      let x = i > 2 ? counts[i] - counts[i - 2] : counts[i];
      for (;;) {
        const g = x - Math.floor(x / 32) * 32;
        x = Math.floor(x / 32);
        if (g & 0x10 ? x === -1 : x === 0) {
          out[p++] = g + 48;
          break;
        }
        out[p++] = g + 80;
      }
    }
  }
  return ascii.decode(out.subarray(0, p));
}

// Every byte we write is in 48..111, where latin1 (windows-1252) is plain ASCII.
const ascii = new TextDecoder('latin1');

/** Throws on characters outside '0'..'o', a truncated last count, or counts outside uint32. */
export function stringToCounts(s: string): Uint32Array {
  const n = s.length;
  // Each count ends at a character without the continuation bit, so n bounds the count.
  const counts = new Uint32Array(n);
  let m = 0;
  let p = 0;
  while (p < n) {
    const start = p;
    let x = 0;
    let shift = 0;
    let c: number;
    // Up to 6 groups (30 bits) fit int32 shifts; longer values only come from counts near
    // 2^32 and take the float path.
    do {
      if (p === n) throw new Error('RLE string is truncated: its last character continues a count');
      c = s.charCodeAt(p++) - 48;
      if (c < 0 || c > 63)
        throw new Error(
          `RLE string has invalid character ${JSON.stringify(s[p - 1])} at ${p - 1} (expected '0'..'o')`,
        );
      x |= (c & 0x1f) << shift;
      shift += 5;
    } while (c & 0x20 && shift < 30);
    let v: number;
    if (!(c & 0x20))
      v = c & 0x10 ? x | (-1 << shift) : x; // sign-extend from the last group
    else {
      v = x;
      let scale = 2 ** 30;
      do {
        if (p === n) throw new Error('RLE string is truncated: its last character continues a count');
        if (p - start >= MAX_GROUPS)
          throw new Error(`RLE string count ${m} at ${start} has more than ${MAX_GROUPS} groups`);
        c = s.charCodeAt(p++) - 48;
        if (c < 0 || c > 63)
          throw new Error(
            `RLE string has invalid character ${JSON.stringify(s[p - 1])} at ${p - 1} (expected '0'..'o')`,
          );
        v += (c & 0x1f) * scale;
        scale *= 32;
      } while (c & 0x20);
      if (c & 0x10) v -= scale;
    }
    if (m > 2) v += counts[m - 2];
    if (v < 0 || v > MAX_COUNT)
      throw new Error(`RLE string count ${m} at ${start} decodes to ${v}, outside [0, 2^32)`);
    counts[m++] = v;
  }
  return counts.slice(0, m);
}
