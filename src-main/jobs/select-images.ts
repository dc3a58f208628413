import type { JobStart } from '../shared/api';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import { imageExists, imagePaths } from '../db/images-table';

type Target = Exclude<JobStart['target'], undefined>;

/** The images a job covers, fixed when it is created, in path order. */
export function selectImages(pdb: ProjectDb, target: Target, glob?: string): number[] {
  if (glob) {
    const re = globToRegExp(glob);
    const ids = imagePaths(pdb).filter((r) => re.test(r.path.split('\\').join('/'))).map((r) => r.id);
    if (!ids.length) throw new LwError('INVALID_ARGUMENT', `No image in the project matches "${glob}"`);
    return ids;
  }
  switch (target.kind) {
    case 'all':
      return imagePaths(pdb).map((r) => r.id);
    case 'unlabeled':
      return imagePaths(pdb, { unlabeledOnly: true }).map((r) => r.id);
    case 'images': {
      for (const id of target.imageIds) if (!imageExists(pdb, id)) throw new LwError('NOT_FOUND', `No image with id ${id}`);
      return [...new Set(target.imageIds)];
    }
  }
}

/**
 * Shell-style globs over absolute paths: `*` and `?` stay within a path segment, `**`
 * crosses segments, `{a,b}` alternates. A pattern without a slash matches the file name
 * anywhere (as `**\/pattern`).
 */
export function globToRegExp(glob: string): RegExp {
  const g = glob.includes('/') ? glob : `**/${glob}`;
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        i++;
        if (g[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = g.indexOf('}', i);
      if (end < 0) throw new LwError('INVALID_ARGUMENT', `Unclosed "{" in glob "${glob}"`);
      re += `(?:${g.slice(i + 1, end).split(',').map(escape).join('|')})`;
      i = end;
    } else re += escape(c);
  }
  return new RegExp(`(^|/)${re}$`, 'i');
}

function escape(s: string): string {
  return s.replace(/[.+^$()|[\]\\]/g, '\\$&');
}
