import { closeSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LwError } from '../shared/errors';

/** The first 16 bytes of every SQLite database file. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Files SQLite keeps beside a database; writing over one corrupts or loses the project. */
const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

/**
 * Refuses an export target that would destroy a project: the open project or one of its
 * side files (by path, through symlinks, or as a hard link: same device and inode), or any
 * SQLite file at all. The export renames its finished file over the target, so writing
 * onto the project would replace it with JSON while the open connection kept writing to
 * the unlinked old file.
 */
export function checkExportTarget(projectPath: string, outPath: string): void {
  const target = resolve(outPath);
  const project = resolve(projectPath);
  const refuse = (what: string) =>
    new LwError(
      'INVALID_ARGUMENT',
      `Refusing to export to ${target}: ${what}`,
      'Choose another output file, e.g. one ending in .json beside the project.',
    );

  // Node refuses NUL in paths by throwing a TypeError; say it as an error about the path.
  if (outPath.includes('\0')) throw refuse('the path contains a NUL character');

  const at = SIDE_FILES.findIndex((s) => canonical(project + s) === canonical(target));
  if (at === 0) throw refuse(`it is the open project ${project}`);
  if (at > 0) throw refuse(`it is the ${SIDE_FILES[at]} file SQLite keeps beside the open project ${project}`);

  const stat = statOrNull(target); // follows symlinks
  if (!stat) return;
  for (const name of SIDE_FILES.map((s) => project + s)) {
    const s = statOrNull(name);
    if (s && s.dev === stat.dev && s.ino === stat.ino) throw refuse(`it is a link to ${name}${name === project ? ', the open project' : `, the ${name.slice(project.length)} file of the open project`}`);
  }
  if (stat.isDirectory()) throw refuse('it is a folder');
  if (stat.isFile() && startsWithSqliteMagic(target))
    throw refuse(`it is a SQLite database (another project?), not a file an export may overwrite; the project is ${project}`);
}

/** The path with symlinks in its folder (and in itself, when it exists) resolved. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function startsWithSqliteMagic(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false; // unreadable: the write will say so itself
  }
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return n === head.length && head.equals(SQLITE_MAGIC);
  } finally {
    closeSync(fd);
  }
}
