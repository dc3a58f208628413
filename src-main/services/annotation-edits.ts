import { AnnotationChange as AnnotationChangeSchema, type AnnotationChange, type ApplyChangesResult } from '../shared/api';
import type { AnnotationSource, Bbox, Rle } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import { rleArea, stringToCounts } from '../shared/masks';
import {
  annotationById,
  annotationWriter,
  deleteAnnotation,
  predictionImageId,
  updateAnnotationRow,
  type AnnotationRow,
} from '../db/annotations-table';
import { categoryExists } from '../db/categories-table';
import { imageStatus, markImageEdited } from '../db/images-table';
import { imageAnnotations, imageRecord } from './image-queries';

/**
 * `annotations.apply`: one editor undo step = one call = one transaction. A change that
 * fails (unknown id, bad geometry, unknown category) rolls back the whole batch.
 *
 * Semantics:
 * - update of geometry (bbox, rle) or category of a `model` annotation makes it
 *   `model-edited` (its prediction link is kept), unless the patch sets `source` itself
 *   (undo restores the old source that way);
 * - accept / reject are updates of `state`;
 * - create with an explicit `id` restores a deleted annotation under its old id (undo of
 *   delete); the id must be free;
 * - any change marks the image human-touched (bulk jobs leave it alone) and moves an
 *   `unlabeled` or `prelabeled` image to `in_progress`.
 *
 * Geometry: boxes are COCO [x, y, w, h] in continuous pixel coordinates. A box that
 * sticks out of the image is CLIPPED to it (a drag past the edge is normal editing); a
 * box of positive size that lies wholly outside the image is rejected. Masks arrive as
 * COCO compressed RLE whose size must equal the image's [height, width]; they are stored
 * as the counts string and the area is the mask's pixel count (a box's area is w × h).
 */
type Row = AnnotationRow;

export function applyAnnotationChanges(pdb: ProjectDb, imageId: number, rawChanges: AnnotationChange[]): ApplyChangesResult {
  const changes = rawChanges.map((c, i) => {
    const r = AnnotationChangeSchema.safeParse(c);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new LwError('INVALID_ARGUMENT', `changes.${i}.${issue.path.join('.')}: ${issue.message}`);
    }
    return r.data;
  });
  return pdb.tx(() => {
    const img = imageRecord(pdb, imageId);
    const writer = annotationWriter(pdb);
    const now = Date.now();
    const created: number[] = [];

    const needCategory = (id: number, where: string) => {
      if (!categoryExists(pdb, id)) throw new LwError('NOT_FOUND', `${where}: no category with id ${id}`);
    };
    const ownRow = (id: number, where: string): Row => {
      const row = annotationById(pdb, id);
      if (!row || row.image_id !== imageId) throw new LwError('NOT_FOUND', `${where}: no annotation ${id} on image ${imageId}`);
      return row;
    };

    changes.forEach((c, i) => {
      const where = `changes.${i} (${c.op})`;
      if (c.op === 'create') {
        needCategory(c.categoryId, where);
        if (c.id !== undefined && annotationById(pdb, c.id))
          throw new LwError('CONFLICT', `${where}: annotation id ${c.id} is taken`, 'Only undo of a delete passes an id.');
        if (c.predictionId != null) {
          if (predictionImageId(pdb, c.predictionId) !== imageId)
            throw new LwError('INVALID_ARGUMENT', `${where}: prediction ${c.predictionId} does not belong to image ${imageId}`);
        }
        const bbox = clipBox(c.bbox, img.width, img.height, where);
        const mask = maskOf(c.rle ?? null, img.width, img.height, where);
        created.push(
          writer.insert({
            id: c.id,
            imageId,
            categoryId: c.categoryId,
            bbox,
            rle: mask?.counts ?? null,
            area: mask ? mask.area : bbox[2] * bbox[3],
            source: c.source,
            state: c.state,
            predictionId: c.predictionId ?? null,
            score: c.score ?? null,
          }),
        );
      } else if (c.op === 'update') {
        const row = ownRow(c.id, where);
        const p = c.patch;
        if (p.categoryId !== undefined) needCategory(p.categoryId, where);
        const bbox = p.bbox ? clipBox(p.bbox, img.width, img.height, where) : ([row.x, row.y, row.w, row.h] as Bbox);
        let rle = row.rle;
        let area = row.area;
        if (p.rle !== undefined) {
          const mask = maskOf(p.rle, img.width, img.height, where);
          rle = mask?.counts ?? null;
          area = mask ? mask.area : bbox[2] * bbox[3];
        } else if (p.bbox && rle === null) area = bbox[2] * bbox[3];
        const geometryOrCategoryChanged =
          (p.categoryId !== undefined && p.categoryId !== row.category_id) ||
          (p.bbox !== undefined && !sameBox(bbox, [row.x, row.y, row.w, row.h])) ||
          (p.rle !== undefined && rle !== row.rle);
        const source: AnnotationSource =
          p.source ?? (row.source === 'model' && geometryOrCategoryChanged ? 'model-edited' : row.source);
        updateAnnotationRow(
          pdb,
          { id: row.id, categoryId: p.categoryId ?? row.category_id, bbox, rle, area, source, state: p.state ?? row.state },
          now,
        );
      } else {
        ownRow(c.id, where);
        deleteAnnotation(pdb, c.id);
      }
    });

    writer.finish();
    markImageEdited(pdb, imageId, now);
    const status = imageStatus(pdb, imageId);
    return { annotations: imageAnnotations(pdb, img), created, status };
  });
}

function sameBox(a: Bbox, b: Bbox): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** Clips a COCO box to the image; rejects a box of positive size with nothing inside it. */
export function clipBox(b: Bbox, width: number, height: number, where = 'bbox'): Bbox {
  const [x, y, w, h] = b;
  if (![x, y, w, h].every(Number.isFinite)) throw new LwError('INVALID_ARGUMENT', `${where}: bbox must hold finite numbers`);
  const x0 = Math.min(Math.max(x, 0), width);
  const y0 = Math.min(Math.max(y, 0), height);
  const x1 = Math.min(Math.max(x + w, 0), width);
  const y1 = Math.min(Math.max(y + h, 0), height);
  if (w > 0 && h > 0 && (x1 <= x0 || y1 <= y0))
    throw new LwError('INVALID_ARGUMENT', `${where}: bbox [${b.join(', ')}] lies outside the ${width}×${height} image`);
  return [x0, y0, x1 - x0, y1 - y0];
}

/** Validates a COCO RLE against the image size; returns its counts string and pixel area. */
export function maskOf(rle: Rle | null, width: number, height: number, where = 'rle'): { counts: string; area: number } | null {
  if (rle === null) return null;
  if (rle.size[0] !== height || rle.size[1] !== width)
    throw new LwError(
      'INVALID_ARGUMENT',
      `${where}: rle.size [${rle.size.join(', ')}] must equal the image's [height, width] = [${height}, ${width}]`,
    );
  let counts: Uint32Array;
  try {
    counts = stringToCounts(rle.counts);
  } catch (e) {
    throw new LwError('INVALID_ARGUMENT', `${where}: rle.counts is not a COCO compressed RLE string (${(e as Error).message})`);
  }
  let sum = 0;
  for (const c of counts) sum += c;
  if (sum !== width * height)
    throw new LwError('INVALID_ARGUMENT', `${where}: rle.counts covers ${sum} pixels, the image has ${width * height}`);
  return { counts: rle.counts, area: rleArea(counts) };
}
