import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PackKind, PackManifest } from '../../shared/contract';
import { LwError } from '../../shared/errors';

export const MANIFEST_NAME = 'pack.json';

const ROLES: Record<PackKind, string[]> = {
  glip: ['backbone', 'text', 'head', 'tokenizer'],
  groupvit: ['image', 'text', 'tokenizer'],
  pix2seq: ['encoder', 'decoder', 'labels'],
  sam: ['encoder', 'decoder'],
  uniter: ['regions', 'itm', 'tokenizer'],
};

/** The file roles a pack of this kind must list (MODELS.md). */
export function requiredRoles(kind: PackKind): string[] {
  const roles = ROLES[kind];
  if (!roles)
    throw new LwError(
      'MODEL_PACK_INVALID',
      `unknown pack kind "${String(kind)}"; known kinds: ${PackKind.options.join(', ')}`,
    );
  return [...roles];
}

/** `files.backbone.sha256`, `files["a b"]`, `kind`. */
export function jsonPath(p: readonly PropertyKey[]): string {
  if (p.length === 0) return '(root)';
  let out = '';
  for (const k of p) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (typeof k === 'string' && /^[A-Za-z_$][\w$]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out;
}

/**
 * Validates a parsed manifest: the contract's zod schema, then the rules zod cannot
 * express (roles per kind, paths that stay inside the pack, one file per path).
 * Every problem is reported, each as `<json path>: <what is wrong>`.
 */
export function validateManifest(data: unknown, source: string): PackManifest {
  const problems: string[] = [];
  const parsed = PackManifest.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = jsonPath(issue.path);
      if (issue.path.length === 1 && issue.path[0] === 'kind') {
        const got = (data as { kind?: unknown } | null)?.kind;
        problems.push(
          got === undefined
            ? `kind: missing; known kinds: ${PackKind.options.join(', ')}`
            : `kind: unknown kind ${JSON.stringify(got)}; known kinds: ${PackKind.options.join(', ')}`,
        );
      } else problems.push(`${where}: ${issue.message}`);
    }
    throw invalid(source, problems);
  }
  const m = parsed.data;
  const seen = new Map<string, string>();
  for (const role of requiredRoles(m.kind)) {
    if (!m.files[role])
      problems.push(
        `files.${role}: missing; a ${m.kind} pack needs the roles ${requiredRoles(m.kind).join(', ')}`,
      );
  }
  for (const [role, file] of Object.entries(m.files)) {
    const where = jsonPath(['files', role, 'path']);
    const p = file.path;
    const segments = p.split(/[\\/]/);
    if (p.includes('\\') || p.includes('\0') || segments.some((s) => s === '..' || s === '.' || s === '')) {
      problems.push(
        `${where}: ${JSON.stringify(p)} must be a plain relative path inside the pack (forward slashes, no "..")`,
      );
      continue;
    }
    const resolved = path.resolve('/pack', p);
    if (!resolved.startsWith(`${path.resolve('/pack')}${path.sep}`)) {
      problems.push(`${where}: ${JSON.stringify(p)} leaves the pack folder`);
      continue;
    }
    if (p === MANIFEST_NAME || p.endsWith('.part'))
      problems.push(`${where}: ${JSON.stringify(p)} is a reserved name`);
    const key = p.toLowerCase();
    const other = seen.get(key);
    if (other) problems.push(`${where}: ${JSON.stringify(p)} is also the file of role "${other}"`);
    seen.set(key, role);
    if (file.url !== undefined && !/^https?:\/\/[^\s]+$/i.test(file.url))
      problems.push(`${jsonPath(['files', role, 'url'])}: must be an http(s) URL`);
  }
  if (problems.length) throw invalid(source, problems);
  return m;
}

function invalid(source: string, problems: string[]): LwError {
  return new LwError(
    'MODEL_PACK_INVALID',
    `${source} is not a valid model pack manifest: ${problems.join('; ')}`,
    'Fix the manifest (see MODELS.md for the format), or download or import the pack again.',
  );
}

/** Reads and validates `<dir>/pack.json`. Errors name the file and the JSON path. */
export async function loadManifest(dir: string): Promise<PackManifest> {
  const file = path.join(path.resolve(dir), MANIFEST_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new LwError(
        'MODEL_PACK_MISSING',
        `no ${MANIFEST_NAME} in ${path.resolve(dir)}`,
        'A model pack is a folder holding pack.json and the files it names.',
      );
    throw new LwError('MODEL_PACK_INVALID', `cannot read ${file}: ${(e as Error).message}`, undefined, {
      cause: e,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LwError(
      'MODEL_PACK_INVALID',
      `${file} is not valid JSON: ${(e as Error).message}`,
      'Fix the manifest or download the pack again.',
      {
        cause: e,
      },
    );
  }
  return validateManifest(data, file);
}

/** Writes a file so readers see the old or the new content, never half of it. */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content, { flush: true });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function writeManifest(dir: string, manifest: PackManifest): Promise<void> {
  await writeFileAtomic(path.join(dir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
}
