/** `labels.json` of a Pix2seq pack: `{"1": "person", …}`, class id → name. */
import { readFile } from 'node:fs/promises';
import { LwError } from '../../shared/errors';

export async function readLabels(file: string): Promise<Map<number, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new LwError(
      missing ? 'MODEL_PACK_MISSING' : 'MODEL_LOAD_FAILED',
      `${file}: ${missing ? 'no such file (the pack needs labels.json for its class names)' : `could not be read: ${(e as Error).message}`}`,
      'Re-import the pack with its labels.json: {"1": "person", "2": "bicycle", …}.',
    );
  }
  const bad = (what: string) => new LwError('MODEL_PACK_INVALID', `${file}: ${what}`, 'labels.json maps class ids to names: {"1": "person", "2": "bicycle", …}.');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw bad(`is not valid JSON (${(e as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad('must be a JSON object');
  const labels = new Map<number, string>();
  for (const [k, v] of Object.entries(raw)) {
    if (!/^\d+$/.test(k)) throw bad(`key "${k}" is not a class id (a non-negative integer)`);
    if (typeof v !== 'string' || !v.trim()) throw bad(`class ${k} has no name`);
    labels.set(Number(k), v.trim());
  }
  if (!labels.size) throw bad('names no classes');
  return labels;
}
