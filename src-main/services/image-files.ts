import { createHash } from 'node:crypto';
import { createReadStream, statSync, type Stats } from 'node:fs';
import type { FileState } from '../shared/api';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import { imageFileRow, iterateImageFiles, setFileState, type ImageFileRow } from '../db/images-table';
import { readImageHeader, UnreadableImage } from '../image/probe';

/**
 * Is an image's file still the one that was added? Checked lazily, when the image is opened
 * (images.get), and cheaply (stat only) by `labelwright stats`:
 *  - no file at the path: `missing`;
 *  - a different size than recorded: `changed`;
 *  - the same size but touched since its hash was last verified: re-hash (sha256 of the
 *    bytes, as image-scan.ts hashes them when adding) and `changed` if it differs;
 *  - a file that cannot be read, or whose header no longer reads as an image: `unreadable`.
 * The outcome is stored (images.file_state) so that the grid can mark the image.
 */
export interface FileCheck {
  state: FileState;
  /** What is wrong, with the path; null when the file is fine. */
  message: string | null;
}

/**
 * A file touched up to this long before the image was added is re-hashed on its first check:
 * file system clocks are coarse (a few ms), so an mtime can read a little earlier than the
 * write that set it.
 */
const CLOCK_SLACK_MS = 2000;

export async function checkImageFile(pdb: ProjectDb, id: number): Promise<FileCheck> {
  const row = imageFileRow(pdb, id);
  if (!row) throw new LwError('NOT_FOUND', `No image with id ${id}`);
  const st = statOf(row.path);
  if (typeof st === 'string') return record(pdb, row, st);
  let state: FileState = 'ok';
  let mtime: number | undefined;
  if (st.size !== row.bytes) state = 'changed';
  else if (needsRehash(row, st)) {
    try {
      state = (await sha256(row.path)) === row.hash ? 'ok' : 'changed';
      mtime = st.mtimeMs;
    } catch {
      return record(pdb, row, 'unreadable');
    }
  } else if (row.file_state === 'changed' || row.file_state === 'unreadable') state = row.file_state; // untouched since that verdict
  if (state !== 'ok' || mtime !== undefined) {
    // Content that is not what was added (or not yet seen since a change): is it still an image?
    try {
      await readImageHeader(row.path);
    } catch (e) {
      if (!(e instanceof UnreadableImage)) throw e;
      state = 'unreadable';
    }
  }
  return record(pdb, row, state, mtime);
}

function needsRehash(row: ImageFileRow, st: Stats): boolean {
  if (row.file_mtime !== null) return st.mtimeMs !== row.file_mtime;
  return st.mtimeMs > row.added_at - CLOCK_SLACK_MS;
}

function record(pdb: ProjectDb, row: ImageFileRow, state: FileState, mtime?: number): FileCheck {
  // A read-only open (the CLI's readers) reports without recording.
  if (!pdb.readonly && (state !== row.file_state || mtime !== undefined)) pdb.tx(() => setFileState(pdb, row.id, state, mtime));
  return { state, message: fileMessage(state, row.path) };
}

/** The sentence a person reads about a file in `state`. */
export function fileMessage(state: FileState, path: string): string | null {
  switch (state) {
    case 'ok':
      return null;
    case 'missing':
      return `The image file is missing: ${path}. Move it back, or add its new folder again (the project finds it by its content).`;
    case 'unreadable':
      return `The image file cannot be read as an image: ${path}. It may be damaged or not an image any more.`;
    case 'changed':
      return `The image file changed on disk since it was added: ${path}. Its annotations may not fit the new content.`;
  }
}

/** 'missing' / 'unreadable' when the path has no regular file to read, else its stats. */
function statOf(path: string): Stats | 'missing' | 'unreadable' {
  try {
    const st = statSync(path);
    return st.isFile() ? st : 'unreadable';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable';
  }
}

function sha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/**
 * The state a stat alone can tell (no reading): gone, no longer a file, or a different size;
 * otherwise the last full check's verdict stands (a file that came back is fine again).
 */
function statVerdict(row: Pick<ImageFileRow, 'path' | 'bytes' | 'file_state'>): FileState {
  const st = statOf(row.path);
  if (typeof st === 'string') return st;
  if (row.file_state === 'unreadable') return 'unreadable'; // the last full check found worse than a change
  if (st.size !== row.bytes) return 'changed';
  return row.file_state === 'missing' ? 'ok' : row.file_state;
}

/**
 * Brings the stored file state of a page of images up to date with one stat each, so the
 * grid marks a file that went away without anyone opening it. Returns the states by id.
 */
export function refreshFileStates(pdb: ProjectDb, rows: Pick<ImageFileRow, 'id' | 'path' | 'bytes' | 'file_state'>[]): Map<number, FileState> {
  const out = new Map<number, FileState>();
  const changed: [number, FileState][] = [];
  for (const r of rows) {
    const state = statVerdict(r);
    out.set(r.id, state);
    if (state !== r.file_state) changed.push([r.id, state]);
  }
  if (changed.length && !pdb.readonly) pdb.tx(() => changed.forEach(([id, state]) => setFileState(pdb, id, state)));
  return out;
}

export type FileStateCounts = Record<Exclude<FileState, 'ok'>, number>;

/**
 * Counts images whose files are missing, unreadable or changed, with one stat per file (no
 * reading): a size that differs is a change; otherwise the last verdict of a full check
 * stands (unreadable stays unreadable while the file is there). Read-only: `labelwright stats` opens projects read-only.
 */
export function countFileStates(pdb: ProjectDb): FileStateCounts {
  const c: FileStateCounts = { missing: 0, unreadable: 0, changed: 0 };
  for (const row of iterateImageFiles(pdb)) {
    const state = statVerdict(row);
    if (state !== 'ok') c[state]++;
  }
  return c;
}
