/**
 * Checks a project path from a client (project.create / project.open) before anything
 * touches the file system or SQLite, and makes a new project's folder without
 * `mkdirSync(..., {recursive: true})`.
 *
 * Why not recursive mkdir: libuv's recursive mkdir retries the parent whenever mkdir says
 * ENOENT, and on pseudo file systems mkdir of `/proc/nope` says ENOENT while `/proc` exists
 * (EEXIST), so `mkdirSync('/proc/nope', {recursive: true})` loops forever at 100% CPU on
 * the event loop: the host stopped answering every client (issue 10, item 9).
 */
import { lstatSync, mkdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, join, parse, sep } from 'node:path';
import { LwError } from '../shared/errors';

/** Kernel and device file systems: never a place for a project, and some loop or block on access. */
const PSEUDO_ROOTS = process.platform === 'win32' ? [] : ['/proc', '/sys', '/dev'];

const HINT = 'Choose a .lw file in an ordinary folder, e.g. in your home directory.';

function statOrNull(path: string, follow = true): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return null;
  }
}

function underPseudo(path: string): string | null {
  for (const root of PSEUDO_ROOTS) if (path === root || path.startsWith(root + sep)) return root;
  return null;
}

function refusePseudo(abs: string): void {
  // The path as typed, and the real path of its nearest existing ancestor (a symlink such as
  // /dev/fd leads into /proc).
  let real = abs;
  let probe = abs;
  for (;;) {
    try {
      real = join(realpathSync(probe), abs.slice(probe.length));
      break;
    } catch {
      const up = dirname(probe);
      if (up === probe) break;
      probe = up;
    }
  }
  const root = underPseudo(abs) ?? underPseudo(real);
  if (root) throw new LwError('INVALID_ARGUMENT', `${abs} is under ${root}, a system file system, not a place for a project`, HINT);
}

/** The nearest ancestor of `abs` that exists (stat follows symlinks), and the missing folders below it, top first. */
function nearestExisting(abs: string): { dir: string; stat: Stats; missing: string[] } {
  const missing: string[] = [];
  let dir = dirname(abs);
  for (;;) {
    const st = statOrNull(dir);
    if (st) return { dir, stat: st, missing: missing.reverse() };
    const up = dirname(dir);
    if (up === dir) throw new LwError('INVALID_ARGUMENT', `${abs} is not on a drive that exists`, HINT);
    missing.push(dir);
    dir = up;
  }
}

/**
 * Checks `abs` (absolute) for project.create and makes its missing folders, one level at a
 * time. Refuses system file systems, an existing path, and a path below a file.
 */
export function prepareNewProjectPath(abs: string): void {
  refusePseudo(abs);
  if (statOrNull(abs, false))
    throw new LwError('CONFLICT', `${abs} already exists`, 'Open it instead, or choose another file name.');
  const { dir, stat, missing } = nearestExisting(abs);
  if (!stat.isDirectory())
    throw new LwError('INVALID_ARGUMENT', `Cannot create ${abs}: ${dir} is a file, not a folder`, HINT);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      throw new LwError('INVALID_ARGUMENT', `Cannot create the folder ${d} (${code})`, 'Choose a folder you can write to.');
    }
  }
}

/**
 * Checks `abs` (absolute) for project.open: refuses system file systems, a path below a
 * file, and anything that exists but is not a regular file (a folder, FIFO or device, which
 * SQLite would block on or misreport). A missing file is left to the project layer (NOT_FOUND).
 */
export function checkExistingProjectPath(abs: string): void {
  refusePseudo(abs);
  const st = statOrNull(abs);
  if (st) {
    if (!st.isFile())
      throw new LwError('INVALID_ARGUMENT', `${abs} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}, not a Labelwright project`, 'Open a .lw file.');
    return;
  }
  const { dir, stat } = nearestExisting(abs);
  if (!stat.isDirectory() && dir !== parse(abs).root)
    throw new LwError('NOT_FOUND', `No project at ${abs}: ${dir} is a file, not a folder`, 'Open a .lw file.');
}
