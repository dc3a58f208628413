import { CategoryInput, type Category } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import { paletteColor } from './palette';

/** Names compare trimmed, Unicode-normalised and case-insensitively. */
export function nameKey(name: string): string {
  return name.trim().normalize('NFC').toLocaleLowerCase('en-US');
}

const COLUMNS = `id, name, color, prompt, threshold, supercategory, hotkey`;

export function listCategories(pdb: ProjectDb): Category[] {
  return pdb.db.prepare(`SELECT ${COLUMNS} FROM categories ORDER BY id`).all() as Category[];
}

/** Accepts an id ("3") or a name ("Traffic light", any case). */
export function resolveCategory(pdb: ProjectDb, ref: string | number): Category {
  const asId = typeof ref === 'number' ? ref : /^\d+$/.test(ref.trim()) ? Number(ref) : null;
  const row = (
    asId !== null
      ? pdb.db.prepare(`SELECT ${COLUMNS} FROM categories WHERE id = ?`).get(asId)
      : pdb.db.prepare(`SELECT ${COLUMNS} FROM categories WHERE name_key = ?`).get(nameKey(String(ref)))
  ) as Category | undefined;
  if (!row) throw new LwError('NOT_FOUND', `No category ${JSON.stringify(String(ref))}`, 'List them with `labelwright categories <project> list`.');
  return row;
}

/** Inserts inside the caller's transaction; see addCategories for the public entry. */
export function insertCategory(pdb: ProjectDb, raw: CategoryInput): Category {
  const input = parseInput(raw);
  const key = nameKey(input.name);
  const clash = pdb.db.prepare(`SELECT id, name FROM categories WHERE name_key = ?`).get(key) as { id: number; name: string } | undefined;
  if (clash) throw new LwError('CONFLICT', `Category "${input.name}" already exists (id ${clash.id}, "${clash.name}")`);
  let id = input.id;
  if (id !== undefined && pdb.db.prepare(`SELECT 1 FROM categories WHERE id = ?`).get(id)) id = undefined;
  const info = pdb.db
    .prepare(
      `INSERT INTO categories (id, name, name_key, color, prompt, threshold, supercategory, created_at)
       VALUES (?, ?, ?, '', ?, ?, ?, ?)`,
    )
    .run(id ?? null, input.name, key, input.prompt ?? input.name, input.threshold ?? null, input.supercategory ?? null, Date.now());
  const newId = Number(info.lastInsertRowid);
  pdb.db.prepare(`UPDATE categories SET color = ? WHERE id = ?`).run(input.color ?? paletteColor(newId), newId);
  return resolveCategory(pdb, newId);
}

export function addCategories(pdb: ProjectDb, inputs: CategoryInput[]): Category[] {
  return pdb.tx(() => inputs.map((i) => insertCategory(pdb, i)));
}

export function renameCategory(pdb: ProjectDb, ref: string | number, newName: string): Category {
  return pdb.tx(() => {
    const cat = resolveCategory(pdb, ref);
    const name = parseInput({ name: newName }).name;
    const key = nameKey(name);
    const clash = pdb.db.prepare(`SELECT id FROM categories WHERE name_key = ? AND id != ?`).get(key, cat.id) as { id: number } | undefined;
    if (clash) throw new LwError('CONFLICT', `Category "${name}" already exists (id ${clash.id})`);
    // The prompt follows the name unless someone set it to something else.
    const prompt = cat.prompt === cat.name ? name : cat.prompt;
    pdb.db.prepare(`UPDATE categories SET name = ?, name_key = ?, prompt = ? WHERE id = ?`).run(name, key, prompt, cat.id);
    return resolveCategory(pdb, cat.id);
  });
}

export function updateCategory(
  pdb: ProjectDb,
  ref: string | number,
  patch: Partial<Pick<CategoryInput, 'prompt' | 'threshold' | 'supercategory' | 'color' | 'hotkey'>>,
): Category {
  const p = CategoryInput.partial().parse(patch);
  return pdb.tx(() => {
    const cat = resolveCategory(pdb, ref);
    pdb.db
      .prepare(
        `UPDATE categories SET prompt = ?, threshold = ?, supercategory = ?, color = ?, hotkey = ? WHERE id = ?`,
      )
      .run(
        p.prompt ?? cat.prompt,
        p.threshold === undefined ? cat.threshold : p.threshold,
        p.supercategory === undefined ? cat.supercategory : p.supercategory,
        p.color ?? cat.color,
        p.hotkey === undefined ? (cat.hotkey ?? null) : p.hotkey,
        cat.id,
      );
    if (p.hotkey) {
      // A key assigns one category: taking it releases it from any other.
      pdb.db.prepare(`UPDATE categories SET hotkey = NULL WHERE hotkey = ? AND id != ?`).run(p.hotkey, cat.id);
    }
    return resolveCategory(pdb, cat.id);
  });
}

/**
 * Removing a category that annotations use would silently drop work, so it needs
 * `force`; then its annotations and predictions go in the same transaction.
 */
export function removeCategory(pdb: ProjectDb, ref: string | number, opts: { force?: boolean } = {}): { category: Category; annotationsRemoved: number } {
  return pdb.tx(() => {
    const cat = resolveCategory(pdb, ref);
    const { n } = pdb.db.prepare(`SELECT count(*) AS n FROM annotations WHERE category_id = ?`).get(cat.id) as { n: number };
    if (n > 0 && !opts.force) {
      throw new LwError('CONFLICT', `Category "${cat.name}" has ${n} annotation(s)`, 'Pass --force to remove it together with its annotations.');
    }
    pdb.db.prepare(`DELETE FROM categories WHERE id = ?`).run(cat.id);
    return { category: cat, annotationsRemoved: n };
  });
}

function parseInput(raw: CategoryInput): CategoryInput {
  const r = CategoryInput.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new LwError('INVALID_ARGUMENT', `Invalid category${issue.path.length ? ` ${issue.path.join('.')}` : ''}: ${issue.message}`);
  }
  return r.data;
}
