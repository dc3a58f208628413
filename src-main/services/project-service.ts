import { LwError } from '../shared/errors';
import type {
  AddImagesResult,
  Category,
  CategoryInput,
  ImageRecord,
  ProjectStats,
  ReviewStatus,
} from '../shared/contract';
import { ProjectDb, type OpenOptions } from '../db/project-db';
import { addImages, getImage, listImages, setReviewStatus, type AddOptions, type AddProgress, type SetStatusResult } from './images';
import { imageFile } from '../db/images-table';
import { addCategories, listCategories, nameKey, removeCategory, renameCategory, updateCategory, type CategoryPatch } from './categories';
import { projectStats } from './stats';
import { importDataset, MAX_KEPT_CATEGORY_ID, refuseRepeatedImport, type CheckedDataset, type DatasetImportSummary } from './dataset-import';
import type {
  AnnotationChange,
  ApplyChangesResult,
  AuditCategoryRow,
  AuditReport,
  ImageAudit,
  CategoryWithCount,
  CorrectionRow,
  ImageDetail,
  ImagePage,
  ImageQuery,
  NavQuery,
  PendingPolicy,
  ProjectSettings,
} from '../shared/api';
import { getImageDetail, nextUnreviewed, queryImages } from './image-queries';
import { checkImageFile, type FileCheck } from './image-files';
import { applyAnnotationChanges } from './annotation-edits';
import { listCategoriesWithCounts, mergeCategories } from './category-merge';
import { correctionReport } from './corrections';
import { auditReport, imageAudit, setAuditThreshold } from './audit';
import { readProjectSettings, updateProjectSettings } from './project-settings';
import { exportPreview, type ExportCounts, type ExportPreviewOptions } from './export-preview';

/**
 * The one project API that every surface calls: the CLI, the Electron shell and the
 * browser host (through app/session.ts), the job service and the COCO reader and writer.
 * It owns the open project file and its lifecycle; a call that spans several steps
 * (add a category and take its hotkey, rename and patch) runs in one transaction here.
 * Methods take and return contract types; the rules live in the service modules it calls,
 * and the SQL in db/.
 */
export class ProjectService {
  private constructor(
    /**
     * The open file, for the service layer's own parts that write tables themselves
     * (jobs/) and for tests. Surfaces (cli/, app/, coco/) use the methods; the SQL scan
     * in tools/no-sql-outside-db.test.ts holds them to it.
     */
    readonly pdb: ProjectDb,
  ) {}

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

  addFolder(folder: string, onProgress?: (p: AddProgress) => void, opts?: AddOptions): Promise<AddImagesResult> {
    return addImages(this.pdb, folder, onProgress, opts);
  }

  listImages(opts?: { status?: ReviewStatus; limit?: number; offset?: number }): ImageRecord[] {
    return listImages(this.pdb, opts);
  }

  getImage(id: number): ImageRecord {
    return getImage(this.pdb, id);
  }

  /** Review means decided: `reviewed` with pending predictions needs a policy for them (see images.ts). */
  setReviewStatus(imageId: number, status: ReviewStatus, pending?: PendingPolicy): SetStatusResult {
    return setReviewStatus(this.pdb, imageId, status, pending);
  }

  /** The file behind an image id, or null: the only files the image routes serve. */
  imageFile(id: number): { path: string; hash: string } | null {
    if (!Number.isSafeInteger(id) || id <= 0) return null;
    return imageFile(this.pdb, id) ?? null;
  }

  listCategories(): Category[] {
    return listCategories(this.pdb);
  }

  addCategories(inputs: CategoryInput[]): Category[] {
    return addCategories(this.pdb, inputs);
  }

  /** Adds one category; a hotkey in the input is assigned in the same transaction (taking it from any other). */
  addCategory(input: CategoryInput): Category {
    // Ids are AUTOINCREMENT: one huge id makes every later one huge, past what JSON carries.
    if (input.id !== undefined && input.id > MAX_KEPT_CATEGORY_ID)
      throw new LwError('INVALID_ARGUMENT', `Category id ${input.id} is too big: the largest a category may be given is ${MAX_KEPT_CATEGORY_ID}`, 'Leave the id out: the project assigns one.');
    return this.pdb.tx(() => {
      const cat = addCategories(this.pdb, [input])[0];
      return input.hotkey ? updateCategory(this.pdb, cat.id, { hotkey: input.hotkey }) : cat;
    });
  }

  /**
   * The ids of the named categories, in the order given, creating the missing ones in one
   * transaction (names match as nameKey says: trimmed, any case).
   */
  ensureCategories(names: string[]): number[] {
    return this.pdb.tx(() => {
      const existing = new Map(listCategories(this.pdb).map((c) => [nameKey(c.name), c.id]));
      const missing = names.filter((n) => !existing.has(nameKey(n)));
      for (const c of addCategories(this.pdb, missing.map((name) => ({ name })))) existing.set(nameKey(c.name), c.id);
      return names.map((n) => existing.get(nameKey(n))!);
    });
  }

  /** Rename and patch in one transaction (categories.update). */
  editCategory(ref: string | number, name: string | undefined, patch: CategoryPatch): Category {
    return this.pdb.tx(() => {
      let cat = name !== undefined ? renameCategory(this.pdb, ref, name) : null;
      if (!cat || Object.values(patch).some((v) => v !== undefined)) cat = updateCategory(this.pdb, cat?.id ?? ref, patch);
      return cat;
    });
  }

  renameCategory(ref: string | number, name: string): Category {
    return renameCategory(this.pdb, ref, name);
  }

  updateCategory(ref: string | number, patch: CategoryPatch): Category {
    return updateCategory(this.pdb, ref, patch);
  }

  removeCategory(ref: string | number, opts?: { force?: boolean }) {
    return removeCategory(this.pdb, ref, opts);
  }

  /** One page of the image browser: filters, name or uncertainty order, total count. */
  queryImages(q: ImageQuery): ImagePage {
    return queryImages(this.pdb, q);
  }

  /** The editor's view of one image: record, annotations (all but archived), prev/next within `nav` (the grid's filter and order). */
  imageDetail(id: number, nav?: NavQuery): ImageDetail {
    return getImageDetail(this.pdb, id, nav);
  }

  nextUnreviewed(after: number, nav?: NavQuery): number | null {
    return nextUnreviewed(this.pdb, after, nav);
  }

  /** Checks the image's file now (missing, unreadable, changed) and records the verdict. */
  checkImageFile(id: number): Promise<FileCheck> {
    return checkImageFile(this.pdb, id);
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

  /** UNITER audit flags, most suspicious first, with each category's threshold and counts (audit.ts). */
  auditReport(opts: { limit?: number } = {}): AuditReport {
    return auditReport(this.pdb, opts);
  }

  /** One image's audit flags and every category's latest score (audit.ts). */
  imageAudit(imageId: number): ImageAudit {
    return imageAudit(this.pdb, imageId);
  }

  /** A category's audit threshold in rank_logit units; null: back to the pack's default (audit.ts). */
  setAuditThreshold(categoryId: number, threshold: number | null): AuditCategoryRow {
    return setAuditThreshold(this.pdb, categoryId, threshold);
  }

  /** The project's own settings (project-settings.ts). */
  settings(): ProjectSettings {
    return readProjectSettings(this.pdb);
  }

  updateSettings(patch: Partial<ProjectSettings>): ProjectSettings {
    return updateProjectSettings(this.pdb, patch);
  }

  exportPreview(opts: ExportPreviewOptions): ExportCounts {
    return exportPreview(this.pdb, opts);
  }

  /** `checkFiles`: stat every image's file for the missing/unreadable/changed counts (else the stored verdicts). */
  stats(opts?: { checkFiles?: boolean }): ProjectStats {
    return projectStats(this.pdb, opts);
  }

  /** Writes a dataset that a format reader checked (coco/import.ts), all in one transaction. */
  importDataset(ds: CheckedDataset): DatasetImportSummary {
    return importDataset(this.pdb, ds);
  }

  /** Throws CONFLICT when this content was imported before (unless `again`); a reader calls it before its slow checks. */
  checkNotImported(sha256: string, source: string, again: boolean): void {
    refuseRepeatedImport(this.pdb, sha256, source, again);
  }
}
