import type {
  AddImagesResult,
  Category,
  CategoryInput,
  CocoExportOptions,
  ImageRecord,
  ProjectStats,
  ReviewStatus,
} from '../shared/contract';
import { ProjectDb, type OpenOptions } from '../db/project-db';
import { addImages, getImage, listImages, setReviewStatus, type AddProgress } from './images';
import { addCategories, listCategories, removeCategory, renameCategory, updateCategory } from './categories';
import { projectStats } from './stats';
import { exportCoco, type CocoExportSummary, type ExportProgress } from '../coco/export';
import { importCoco, type CocoImportSummary, type ImportProgress } from '../coco/import';
import type { AnnotationChange, ApplyChangesResult, CategoryWithCount, CorrectionRow, ImageDetail, ImagePage, ImageQuery } from '../shared/api';
import { getImageDetail, nextUnreviewed, queryImages } from './image-queries';
import { applyAnnotationChanges } from './annotation-edits';
import { listCategoriesWithCounts, mergeCategories } from './category-merge';
import { correctionReport } from './corrections';
import { exportPreview, type ExportPreviewOptions } from './export-preview';

/**
 * The project API that every surface (CLI, Electron IPC, browser host) calls. Methods
 * take and return contract types; the work lives in the free functions it delegates to.
 */
export class ProjectService {
  private constructor(readonly pdb: ProjectDb) {}

  static create(path: string): ProjectService {
    return new ProjectService(ProjectDb.open(path, { create: true }));
  }

  static open(path: string, opts: OpenOptions = {}): ProjectService {
    return new ProjectService(ProjectDb.open(path, opts));
  }

  get path(): string {
    return this.pdb.path;
  }

  close(): void {
    this.pdb.close();
  }

  addFolder(folder: string, onProgress?: (p: AddProgress) => void): Promise<AddImagesResult> {
    return addImages(this.pdb, folder, onProgress);
  }

  listImages(opts?: { status?: ReviewStatus; limit?: number; offset?: number }): ImageRecord[] {
    return listImages(this.pdb, opts);
  }

  getImage(id: number): ImageRecord {
    return getImage(this.pdb, id);
  }

  setReviewStatus(imageId: number, status: ReviewStatus): void {
    setReviewStatus(this.pdb, imageId, status);
  }

  listCategories(): Category[] {
    return listCategories(this.pdb);
  }

  addCategories(inputs: CategoryInput[]): Category[] {
    return addCategories(this.pdb, inputs);
  }

  /** Adds one category; a hotkey in the input is assigned in the same transaction (taking it from any other). */
  addCategory(input: CategoryInput): Category {
    return this.pdb.tx(() => {
      const cat = addCategories(this.pdb, [input])[0];
      return input.hotkey ? updateCategory(this.pdb, cat.id, { hotkey: input.hotkey }) : cat;
    });
  }

  /** Rename and patch in one transaction (categories.update). */
  editCategory(ref: string | number, name: string | undefined, patch: Parameters<typeof updateCategory>[2]): Category {
    return this.pdb.tx(() => {
      let cat = name !== undefined ? renameCategory(this.pdb, ref, name) : null;
      if (!cat || Object.values(patch).some((v) => v !== undefined)) cat = updateCategory(this.pdb, cat?.id ?? ref, patch);
      return cat;
    });
  }

  renameCategory(ref: string | number, name: string): Category {
    return renameCategory(this.pdb, ref, name);
  }

  updateCategory(ref: string | number, patch: Parameters<typeof updateCategory>[2]): Category {
    return updateCategory(this.pdb, ref, patch);
  }

  removeCategory(ref: string | number, opts?: { force?: boolean }) {
    return removeCategory(this.pdb, ref, opts);
  }

  /** One page of the image browser: filters, name or uncertainty order, total count. */
  queryImages(q: ImageQuery): ImagePage {
    return queryImages(this.pdb, q);
  }

  /** The editor's view of one image: record, annotations (all but archived), prev/next in name order. */
  imageDetail(id: number): ImageDetail {
    return getImageDetail(this.pdb, id);
  }

  nextUnreviewed(after: number): number | null {
    return nextUnreviewed(this.pdb, after);
  }

  /** One undo step of the editor, in one transaction (see annotation-edits.ts for the rules). */
  applyAnnotationChanges(imageId: number, changes: AnnotationChange[]): ApplyChangesResult {
    return applyAnnotationChanges(this.pdb, imageId, changes);
  }

  categoriesWithCounts(): CategoryWithCount[] {
    return listCategoriesWithCounts(this.pdb);
  }

  /** Moves annotations from → into and removes `from`; predictions are re-pointed, never lost. */
  mergeCategories(from: number | string, into: number | string): { moved: number } {
    return mergeCategories(this.pdb, from, into);
  }

  correctionReport(): CorrectionRow[] {
    return correctionReport(this.pdb);
  }

  exportPreview(opts: ExportPreviewOptions): { images: number; annotations: number; categories: number } {
    return exportPreview(this.pdb, opts);
  }

  stats(): ProjectStats {
    return projectStats(this.pdb);
  }

  exportCoco(out: string, opts?: CocoExportOptions, onProgress?: (p: ExportProgress) => void): Promise<CocoExportSummary> {
    return exportCoco(this.pdb, out, opts, onProgress);
  }

  importCoco(file: string, imageRoot: string, onProgress?: (p: ImportProgress) => void): Promise<CocoImportSummary> {
    return importCoco(this.pdb, file, imageRoot, onProgress);
  }
}
