import { CategoryInput, type Category } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import * as categories from '../db/categories-table';
import { countAnnotationsInCategory } from '../db/annotations-table';
import { colorForNewCategory } from './palette';

/** Names compare trimmed, Unicode-normalised and case-insensitively. */
export function nameKey(name: string): string {
  return name.trim().normalize('NFC').toLocaleLowerCase('en-US');
}

export function listCategories(pdb: ProjectDb): Category[] {
  return categories.allCategories(pdb);
}

/** Accepts an id ("3") or a name ("Traffic light", any case). */
export function resolveCategory(pdb: ProjectDb, ref: string | number): Category {
  const asId = typeof ref === 'number' ? ref : /^\d+$/.test(ref.trim()) ? Number(ref) : null;
  const row = asId !== null ? categories.categoryById(pdb, asId) : categories.categoryByKey(pdb, nameKey(String(ref)));
  if (!row) throw new LwError('NOT_FOUND', `No category ${JSON.stringify(String(ref))}`, 'List them with `labelwright categories <project> list`.');
  return row;
}

/** Inserts inside the caller's transaction; see addCategories for the public entry. */
export function insertCategory(pdb: ProjectDb, raw: CategoryInput): Category {
  const input = parseInput(raw);
  const key = nameKey(input.name);
  const clash = categories.categoryWithKey(pdb, key);
  if (clash) throw new LwError('CONFLICT', `Category "${input.name}" already exists (id ${clash.id}, "${clash.name}")`);
  let id = input.id;
  if (id !== undefined && categories.categoryExists(pdb, id)) id = undefined;
  const newId = categories.insertCategoryRow(pdb, {
    id: id ?? null,
    name: input.name,
    nameKey: key,
    prompt: input.prompt ?? input.name,
    threshold: input.threshold ?? null,
    supercategory: input.supercategory ?? null,
    now: Date.now(),
  });
  // Only here, at creation: a rename never recolours (people may have learned the colour).
  categories.setCategoryColor(pdb, newId, input.color ?? colorForNewCategory(newId, input.name));
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
    const clash = categories.categoryWithKey(pdb, key, cat.id);
    if (clash) throw new LwError('CONFLICT', `Category "${name}" already exists (id ${clash.id})`);
    // The prompt follows the name unless someone set it to something else.
    const prompt = cat.prompt === cat.name ? name : cat.prompt;
    categories.setCategoryName(pdb, cat.id, name, key, prompt);
    return resolveCategory(pdb, cat.id);
  });
}

export type CategoryPatch = Partial<Pick<CategoryInput, 'prompt' | 'threshold' | 'supercategory' | 'color' | 'hotkey'>>;

export function updateCategory(pdb: ProjectDb, ref: string | number, patch: CategoryPatch): Category {
  const p = CategoryInput.partial().parse(patch);
  return pdb.tx(() => {
    const cat = resolveCategory(pdb, ref);
    categories.setCategoryFields(pdb, cat.id, {
      prompt: p.prompt ?? cat.prompt,
      threshold: p.threshold === undefined ? cat.threshold : p.threshold,
      supercategory: p.supercategory === undefined ? cat.supercategory : p.supercategory,
      color: p.color ?? cat.color,
      hotkey: p.hotkey === undefined ? (cat.hotkey ?? null) : p.hotkey,
    });
    // A key assigns one category: taking it releases it from any other.
    if (p.hotkey) categories.releaseHotkey(pdb, p.hotkey, cat.id);
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
    const n = countAnnotationsInCategory(pdb, cat.id);
    if (n > 0 && !opts.force) {
      throw new LwError('CONFLICT', `Category "${cat.name}" has ${n} annotation(s)`, 'Pass --force to remove it together with its annotations.');
    }
    categories.deleteCategory(pdb, cat.id);
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
