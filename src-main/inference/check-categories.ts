import { LwError } from '../shared/errors';
import type { AdapterCategory } from './types';

/** Rejects an empty list and malformed entries with INVALID_ARGUMENT. */
export function checkCategories(categories: readonly AdapterCategory[]): void {
  if (!Array.isArray(categories) || categories.length === 0)
    throw new LwError('INVALID_ARGUMENT', 'No categories to look for', 'Pass at least one category, e.g. --categories "red,blue".');
  const seen = new Set<number>();
  for (const c of categories) {
    if (!Number.isInteger(c.id) || c.id <= 0) throw new LwError('INVALID_ARGUMENT', `Category id ${String(c.id)} must be a positive integer`);
    if (seen.has(c.id)) throw new LwError('INVALID_ARGUMENT', `Category id ${c.id} appears twice`);
    seen.add(c.id);
    if (!(c.prompt ?? c.name)?.trim()) throw new LwError('INVALID_ARGUMENT', `Category ${c.id} has an empty name and prompt`);
    if (c.threshold != null && !(c.threshold >= 0 && c.threshold <= 1))
      throw new LwError('INVALID_ARGUMENT', `Category ${c.id}: threshold ${c.threshold} is outside [0, 1]`);
  }
}
