import { resolve, sep } from 'node:path';
import { LwError } from '../shared/errors';
import type { Rle } from '../shared/contract';
import type { ProjectDb } from '../db/project-db';
import { probeImage, type ProbedImage } from '../services/image-scan';
import { insertCategory, nameKey } from '../services/categories';
import { annotationWriter } from '../services/annotations';
import { rasterizePolygons, rleArea, stringToCounts, toCompressed } from '../shared/masks';
import { readJsonFile } from './read-json';
import { parseCocoDataset, type CocoDataset, type CocoIssue } from './schema';
import { validateReferences, type SegmentationKind } from './validate';

export interface CocoImportSummary {
  images: { total: number; added: number; matched: number };
  categories: { created: number; reused: number; remapped: { name: string; from: number; to: number }[] };
  annotations: number;
}

export interface ImportProgress {
  phase: 'validate' | 'images' | 'masks' | 'write';
  done: number;
  total: number;
}

/**
 * Imports a COCO instances file, all or nothing: every check (schema, references,
 * image files, masks) runs before the single write transaction, so a bad file changes
 * nothing and its errors name the JSON path.
 */
export async function importCoco(
  pdb: ProjectDb,
  file: string,
  imageRoot: string,
  onProgress?: (p: ImportProgress) => void,
): Promise<CocoImportSummary> {
  const data = await readJsonFile(file);
  const parsed = parseCocoDataset(data);
  if (!parsed.ok) throw invalid(file, parsed.issues);
  const ds = parsed.value;
  const { issues, segmentations } = validateReferences(ds);
  if (issues.length) throw invalid(file, issues);
  onProgress?.({ phase: 'validate', done: 1, total: 1 });

  const root = resolve(imageRoot);
  const files = await matchImageFiles(ds.images, root, (done) => onProgress?.({ phase: 'images', done, total: ds.images.length }));
  const masks = convertSegmentations(ds, segmentations, (done) => onProgress?.({ phase: 'masks', done, total: ds.annotations.length }));

  onProgress?.({ phase: 'write', done: 0, total: ds.annotations.length });
  const summary = pdb.tx(() => writeDataset(pdb, ds, files, masks, file));
  onProgress?.({ phase: 'write', done: ds.annotations.length, total: ds.annotations.length });
  return summary;
}

function invalid(file: string, issues: CocoIssue[]): LwError {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new LwError('COCO_INVALID', `${file}: ${first.path}: ${first.message}${more}`, 'Fix the file and import again; nothing was changed.', {
    details: { issues },
  });
}

async function matchImageFiles(
  images: { id: number; file_name: string; width: number; height: number }[],
  root: string,
  onProgress: (done: number) => void,
): Promise<ProbedImage[]> {
  const issues: CocoIssue[] = [];
  const out: ProbedImage[] = new Array(images.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < images.length) {
      const i = next++;
      const im = images[i];
      const path = resolve(root, im.file_name);
      if (path !== root && !path.startsWith(root + sep)) {
        issues.push({ path: `images[${i}].file_name`, message: `"${im.file_name}" points outside the image root ${root}` });
        continue;
      }
      const r = await probeImage(path);
      if (!r.ok) issues.push({ path: `images[${i}].file_name`, message: `${path}: ${r.reason}` });
      else if (r.image.width !== im.width || r.image.height !== im.height)
        issues.push({ path: `images[${i}]`, message: `${path} is ${r.image.width}×${r.image.height} but the file says ${im.width}×${im.height}` });
      else out[i] = r.image;
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  if (issues.length) {
    issues.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
    throw invalid(`images under ${root}`, issues);
  }
  return out;
}

interface ConvertedMask {
  rle: Rle | null;
  area: number;
}

function convertSegmentations(
  ds: CocoDataset,
  segs: SegmentationKind[],
  onProgress: (done: number) => void,
): ConvertedMask[] {
  const imageSize = new Map(ds.images.map((im) => [im.id, im]));
  const issues: CocoIssue[] = [];
  const out = ds.annotations.map((a, i): ConvertedMask => {
    if (i % 10000 === 0) onProgress(i);
    const seg = segs[i];
    const [, , w, h] = a.bbox;
    if (seg.kind === 'none') return { rle: null, area: w * h };
    const im = imageSize.get(a.image_id)!;
    try {
      let rle: Rle;
      if (seg.kind === 'polygons') rle = rasterizePolygons(seg.polygons, im.height, im.width);
      else if (typeof seg.counts === 'string') {
        const counts = stringToCounts(seg.counts);
        let sum = 0;
        for (const c of counts) sum += c;
        if (sum !== seg.size[0] * seg.size[1]) throw new Error(`run lengths sum to ${sum}, expected ${seg.size[0] * seg.size[1]}`);
        rle = { size: seg.size, counts: seg.counts };
      } else rle = toCompressed({ size: seg.size, counts: seg.counts });
      return { rle, area: rleArea(rle) };
    } catch (e) {
      if (issues.length < 50) issues.push({ path: `annotations[${i}].segmentation`, message: e instanceof Error ? e.message : String(e) });
      return { rle: null, area: 0 };
    }
  });
  if (issues.length) throw invalid('segmentations', issues);
  return out;
}

function writeDataset(pdb: ProjectDb, ds: CocoDataset, files: ProbedImage[], masks: ConvertedMask[], file: string): CocoImportSummary {
  const db = pdb.db;
  const now = Date.now();
  const summary: CocoImportSummary = { images: { total: ds.images.length, added: 0, matched: 0 }, categories: { created: 0, reused: 0, remapped: [] }, annotations: 0 };

  const categoryMap = new Map<number, number>();
  const byKey = db.prepare(`SELECT id FROM categories WHERE name_key = ?`);
  for (const c of ds.categories) {
    const existing = byKey.get(nameKey(c.name)) as { id: number } | undefined;
    if (existing) {
      categoryMap.set(c.id, existing.id);
      summary.categories.reused++;
      if (existing.id !== c.id) summary.categories.remapped.push({ name: c.name, from: c.id, to: existing.id });
      continue;
    }
    const created = insertCategory(pdb, { name: c.name, id: c.id, supercategory: c.supercategory?.trim() || undefined });
    categoryMap.set(c.id, created.id);
    summary.categories.created++;
    if (created.id !== c.id) summary.categories.remapped.push({ name: c.name, from: c.id, to: created.id });
  }

  const imageMap = new Map<number, number>();
  const byHash = db.prepare(`SELECT id FROM images WHERE hash = ?`);
  const insertImage = db.prepare(
    `INSERT INTO images (path, hash, width, height, bytes, format, orientation, status, human_touched_at, added_at, updated_at)
     VALUES (@path, @hash, @width, @height, @bytes, @format, @orientation, @status, @touched, @now, @now)`,
  );
  const markImported = db.prepare(`UPDATE images SET status = CASE WHEN status = 'reviewed' THEN status ELSE 'in_progress' END, human_touched_at = ?, updated_at = ? WHERE id = ?`);
  const annotatedImages = new Set(ds.annotations.map((a) => a.image_id));
  ds.images.forEach((im, i) => {
    const f = files[i];
    const existing = byHash.get(f.hash) as { id: number } | undefined;
    let id: number;
    if (existing) {
      id = existing.id;
      summary.images.matched++;
      if (annotatedImages.has(im.id)) markImported.run(now, now, id);
    } else {
      // Imported annotations are human work: such images are never overwritten by a bulk job.
      const annotated = annotatedImages.has(im.id);
      id = Number(insertImage.run({ ...f, now, status: annotated ? 'in_progress' : 'unlabeled', touched: annotated ? now : null }).lastInsertRowid);
      summary.images.added++;
    }
    imageMap.set(im.id, id);
  });

  db.prepare(`INSERT INTO runs (kind, params_json, created_at) VALUES ('import', ?, ?)`).run(JSON.stringify({ file }), now);
  const writer = annotationWriter(pdb);
  ds.annotations.forEach((a, i) => {
    const m = masks[i];
    writer.insert({
      imageId: imageMap.get(a.image_id)!,
      categoryId: categoryMap.get(a.category_id)!,
      bbox: [a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3]],
      rle: m.rle?.counts ?? null,
      area: m.area,
      source: 'human',
      state: 'accepted',
    });
  });
  writer.finish();
  summary.annotations = ds.annotations.length;
  return summary;
}
