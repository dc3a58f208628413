import type { AnnotationState, ProjectStats, ReviewStatus } from '../shared/contract';
import type { ProjectDb } from '../db/project-db';
import { annotationCountsByState, countPredictions, perCategoryCounts } from '../db/annotations-table';
import { countImages, imageCountsByFileState, imageCountsByStatus } from '../db/images-table';
import { countFileStates, type FileStateCounts } from './image-files';
import { countRuns } from '../db/runs-table';

export function projectStats(pdb: ProjectDb, opts: { checkFiles?: boolean } = {}): ProjectStats {
  let files: FileStateCounts = { missing: 0, unreadable: 0, changed: 0 };
  if (opts.checkFiles) files = countFileStates(pdb);
  else for (const r of imageCountsByFileState(pdb)) if (r.state !== 'ok') files[r.state] = r.n;
  const byStatus: Record<ReviewStatus, number> = { unlabeled: 0, prelabeled: 0, in_progress: 0, reviewed: 0 };
  for (const r of imageCountsByStatus(pdb)) byStatus[r.status] = r.n;
  const annotationsByState: Record<AnnotationState, number> = { pending: 0, accepted: 0, rejected: 0, archived: 0 };
  for (const r of annotationCountsByState(pdb)) annotationsByState[r.state] = r.n;
  const perCategory = perCategoryCounts(pdb);
  return {
    schemaVersion: pdb.schemaVersion,
    images: countImages(pdb),
    byStatus,
    categories: perCategory.length,
    annotations: annotationsByState.accepted + annotationsByState.pending,
    annotationsByState,
    predictions: countPredictions(pdb),
    runs: countRuns(pdb),
    perCategory,
    files,
  };
}
