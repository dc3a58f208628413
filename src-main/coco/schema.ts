import { z } from 'zod';
import { CATEGORY_NAME_MAX } from '../shared/contract';

/**
 * What a COCO instances file must look like to be imported. Extra fields are allowed
 * and ignored (tools add their own). Segmentation is checked by hand in validate.ts
 * because its union (polygons | RLE) deserves errors better than "invalid input".
 */
const int = z.number().int();
const finite = z.number().refine(Number.isFinite, 'expected a finite number');

export const CocoImage = z.object({
  id: int,
  file_name: z.string().min(1, 'expected a non-empty file name'),
  width: int.positive(),
  height: int.positive(),
});

export const CocoCategory = z.object({
  id: int.positive(),
  name: z.string().trim().min(1, 'expected a non-empty name').max(CATEGORY_NAME_MAX),
  supercategory: z.string().optional().nullable(),
});

export const CocoAnnotation = z.object({
  id: int,
  image_id: int,
  category_id: int,
  bbox: z.array(finite).refine((b) => b.length === 4, 'expected 4 numbers'),
  segmentation: z.unknown().optional(),
  area: finite.optional(),
  iscrowd: z.union([z.literal(0), z.literal(1)]).optional(),
  score: finite.optional(),
});

export const CocoDataset = z.object({
  info: z.unknown().optional(),
  licenses: z.unknown().optional(),
  images: z.array(CocoImage),
  annotations: z.array(CocoAnnotation),
  categories: z.array(CocoCategory),
});
export type CocoDataset = z.infer<typeof CocoDataset>;
export type CocoAnnotation = z.infer<typeof CocoAnnotation>;

/** ['annotations', 1234, 'bbox'] → "annotations[1234].bbox" */
export function jsonPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(root)';
}

export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export interface CocoIssue {
  path: string;
  message: string;
}

export function parseCocoDataset(data: unknown): { ok: true; value: CocoDataset } | { ok: false; issues: CocoIssue[] } {
  const r = CocoDataset.safeParse(data, {
    error: (iss) => {
      // JSON.parse turns 1e999 into Infinity, which is a number to typeof: name it.
      if (iss.code === 'invalid_type' && typeof iss.input === 'number') return `expected a finite number, got ${String(iss.input)}`;
      if (iss.code === 'invalid_type') return `expected ${iss.expected}, got ${describeType(iss.input)}`;
      if (iss.code === 'too_big' && iss.origin === 'string') return `too long: ${String((iss.input as string).length)} characters, the limit is ${String(iss.maximum)}`;
      if (iss.code === 'too_small' && iss.origin === 'number') return `expected a number > ${String(iss.minimum)}, got ${String(iss.input)}`;
      // JSON numbers past 2^53−1 were already rounded when parsed: two ids could have become one.
      if (iss.code === 'too_big' && iss.origin === 'number')
        return `${String(iss.input)} is beyond ${Number.MAX_SAFE_INTEGER}, the largest id a JSON reader keeps exactly`;
      return undefined;
    },
  });
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })) };
}
