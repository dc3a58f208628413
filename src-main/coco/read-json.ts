import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LwError } from '../shared/errors';

/** COCO needs depth 5 (root → annotations → item → segmentation → polygon); anything far deeper is not COCO. */
export const MAX_JSON_DEPTH = 32;

/**
 * Reads a JSON file strictly: the bytes must be UTF-8, nesting must stay shallow (V8 would
 * happily spend many seconds building a 50 MB tower of nested arrays before we could
 * reject it), and syntax errors carry their position. Returns the SHA-256 of the bytes
 * read too: an import's identity (see services/dataset-import.ts).
 */
export async function readJsonFileHashed(path: string): Promise<{ data: unknown; sha256: string }> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A COCO file that is not there is bad input (exit 3), like one that cannot be parsed.
    if (code === 'ENOENT') throw new LwError('COCO_INVALID', `No COCO file at ${path}`, 'Check the path of the COCO file.');
    throw new LwError('COCO_INVALID', `Cannot read ${path} (${code ?? String(e)})`);
  }
  return { sha256: createHash('sha256').update(buf).digest('hex'), data: parseJsonBytes(buf, path) };
}

export function parseJsonBytes(buf: Uint8Array, name: string): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    const at = firstInvalidUtf8(buf);
    throw new LwError('COCO_INVALID', `${name}: not valid UTF-8 (invalid byte 0x${buf[at]?.toString(16).padStart(2, '0')} at offset ${at})`, 'Save the file as UTF-8.');
  }
  checkDepth(text, name);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new LwError('COCO_INVALID', `${name}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function checkDepth(text: string, name: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH)
        throw new LwError('COCO_INVALID', `${name}: JSON nested deeper than ${MAX_JSON_DEPTH} levels at character ${i}; this is not a COCO file`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** Offset of the first byte that breaks UTF-8 (only called after decoding failed). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}
