import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { LwError } from '../shared/errors';
import { readImageHeader, UnreadableImage, type ImageHeader } from '../image/probe';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff']);

/** Formats a project accepts (what the file says it is, whatever its extension). */
const PROJECT_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'bmp', 'tiff']);

export function isImagePath(p: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(p).toLowerCase());
}

/**
 * Lists image files under `root`, recursively, sorted so that adds are deterministic.
 * Hidden folders (.git, .thumbnails, …) are skipped; symlinked folders are not followed,
 * which rules out cycles.
 */
export async function listImageFiles(root: string): Promise<string[]> {
  const top = resolve(root);
  const st = await stat(top).catch(() => null);
  // A path the user gave that is not there is bad input (CLI exit 3, as a missing COCO file
  // is), not a problem of the project: IMAGE_UNREADABLE is the input code for images.
  if (!st) throw new LwError('IMAGE_UNREADABLE', `Folder not found: ${top}`, 'Check the path: the folder must exist on the computer running Labelwright.');
  if (!st.isDirectory()) {
    if (isImagePath(top)) return [top];
    throw new LwError('INVALID_ARGUMENT', `${top} is neither a folder nor an image file`);
  }
  const out: string[] = [];
  const stack = [top];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // an unreadable subfolder must not abort the scan
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if ((e.isFile() || e.isSymbolicLink()) && isImagePath(e.name)) out.push(p);
    }
  }
  return out.sort();
}

export interface ProbedImage extends Omit<ImageHeader, 'pixels'> {
  path: string;
  hash: string;
  bytes: number;
}

export type ProbeResult = { ok: true; image: ProbedImage } | { ok: false; path: string; reason: string };

/**
 * Reads a file once: content hash and header from the same bytes, with the one image probe
 * (image/probe.ts) that pre-labelling uses too; files cut short are refused here.
 */
export async function probeImage(path: string): Promise<ProbeResult> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    return { ok: false, path, reason: `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  }
  try {
    const { format, width, height, orientation } = await readImageHeader(buf, { checkComplete: true, formats: PROJECT_FORMATS });
    const hash = createHash('sha256').update(buf).digest('hex');
    return { ok: true, image: { path, hash, bytes: buf.length, format, width, height, orientation } };
  } catch (e) {
    if (e instanceof UnreadableImage) return { ok: false, path, reason: e.message };
    throw e;
  }
}

/** Probes files with bounded concurrency, yielding results in input order. */
export async function* probeImages(paths: string[], concurrency = 8): AsyncGenerator<ProbeResult> {
  const pending: Promise<ProbeResult>[] = [];
  let next = 0;
  const fill = () => {
    while (pending.length < concurrency && next < paths.length) pending.push(probeImage(paths[next++]));
  };
  fill();
  while (pending.length) {
    const r = await pending.shift()!;
    fill();
    yield r;
  }
}
