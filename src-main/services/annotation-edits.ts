import { AnnotationChange as AnnotationChangeSchema, type AnnotationChange, type ApplyChangesResult } from '../shared/api';
import { LwError } from '../shared/errors';
import { applyPatch, createGeometry } from '../shared/annotation-rules';
import type { ProjectDb } from '../db/project-db';
import {
  annotationById,
  annotationWriter,
  countPendingOn,
  deleteAnnotation,
  takeDeletedId,
  predictionImageId,
  updateAnnotationRow,
  type AnnotationRow,
} from '../db/annotations-table';
import { categoryExists } from '../db/categories-table';
import { imageStatus, markImageEdited, setImageStatus } from '../db/images-table';
import { imageAnnotations, imageRecord, toAnnotation } from './image-queries';

/**
 * `annotations.apply`: one editor undo step = one call = one transaction. A change that
 * fails (unknown id, bad geometry, unknown category) rolls back the whole batch.
 *
 * The edit rules (geometry, model-edited, accepting a corrected prediction) are the shared
 * ones in shared/annotation-rules, which the editor applies too; this module adds what only
 * the store can check and do:
 * - ids, categories and prediction links must exist and belong to the image;
 * - create with an explicit `id` restores a deleted annotation under its old id (undo of
 *   delete); the id must be free;
 * - any change marks the image human-touched (bulk jobs leave it alone) and moves an
 *   `unlabeled` or `prelabeled` image to `in_progress`;
 * - review means decided: a batch that leaves a `reviewed` image with pending predictions
 *   (an undo of an accept) moves it back to `in_progress`.
 */
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
    const ownRow = (id: number, where: string): AnnotationRow => {
      const row = annotationById(pdb, id);
      if (!row || row.image_id !== imageId) throw new LwError('NOT_FOUND', `${where}: no annotation ${id} on image ${imageId}`);
      return row;
    };

    changes.forEach((c, i) => {
      if (c.op === 'create') {
        const where = `changes.${i} (create${c.id !== undefined ? ` of annotation ${c.id}` : ''})`;
        needCategory(c.categoryId, where);
        if (c.id !== undefined) {
          // Ids are the database's to assign: a client names one only to restore what it deleted here.
          if (annotationById(pdb, c.id)) throw new LwError('CONFLICT', `${where}: annotation id ${c.id} is taken`, 'Only undo of a delete passes an id.');
          if (!takeDeletedId(pdb, c.id, imageId))
            throw new LwError(
              'INVALID_ARGUMENT',
              `${where}: annotation ids are assigned by the project; ${c.id} is not an annotation deleted on image ${imageId}`,
              'Create without an id; only undo of a delete passes one.',
            );
        }
        if (c.predictionId != null && predictionImageId(pdb, c.predictionId) !== imageId)
          throw new LwError('INVALID_ARGUMENT', `${where}: prediction ${c.predictionId} does not belong to image ${imageId}`);
        const g = createGeometry({ bbox: c.bbox, rle: c.rle ?? null }, img, where);
        created.push(
          writer.insert({
            id: c.id,
            imageId,
            categoryId: c.categoryId,
            bbox: g.bbox,
            rle: g.rle?.counts ?? null,
            area: g.area,
            source: c.source,
            state: c.state,
            predictionId: c.predictionId ?? null,
            score: c.score ?? null,
            iscrowd: c.iscrowd ?? false,
          }),
        );
      } else if (c.op === 'update') {
        const where = `changes.${i} (update of annotation ${c.id})`;
        const row = ownRow(c.id, where);
        if (c.patch.categoryId !== undefined) needCategory(c.patch.categoryId, where);
        const next = applyPatch(toAnnotation(row, img.height, img.width), c.patch, img, where);
        updateAnnotationRow(
          pdb,
          { id: row.id, categoryId: next.categoryId, bbox: next.bbox, rle: next.rle?.counts ?? null, area: next.area, source: next.source, state: next.state, iscrowd: next.iscrowd ?? false },
          now,
        );
      } else {
        ownRow(c.id, `changes.${i} (delete of annotation ${c.id})`);
        deleteAnnotation(pdb, c.id, imageId, now);
      }
    });

    writer.finish();
    markImageEdited(pdb, imageId, now);
    if (imageStatus(pdb, imageId) === 'reviewed' && countPendingOn(pdb, imageId) > 0) setImageStatus(pdb, imageId, 'in_progress', now);
    return { annotations: imageAnnotations(pdb, img), created, status: imageStatus(pdb, imageId) };
  });
}
