import { resolve, sep } from 'node:path';
import { LwError } from '../shared/errors';
import type { Bbox, Rle } from '../shared/contract';
import { clipBox, roundBox, sameBox } from '../shared/annotation-rules';
import { probeImage, type ProbedImage } from '../services/image-scan';
import type { DatasetImportSummary } from '../services/dataset-import';
import type { ProjectService } from '../services/project-service';
import { rasterizePolygons, rleArea, rleBbox, stringToCounts, toCompressed } from '../shared/masks';
import { readJsonFileHashed } from './read-json';
import { parseCocoDataset, type CocoDataset, type CocoIssue } from './schema';
import { validateReferences, type SegmentationKind } from './validate';

/**
 * An annotation stored otherwise than the file says, so that it holds the project's
 * invariants: a masked annotation's box is its mask's box, a box lies inside its image.
 * Coordinates are rounded to 1/100 px without a report (that is the stored precision).
 */
export interface ImportFix {
  /** JSON path of the value that changed, e.g. `annotations[3].bbox`. */
  path: string;
  /** The annotation's id in the file. */
  id: number;
  from: Bbox;
  to: Bbox;
  /**
   * `mask-box`: the box contradicted the segmentation, and the mask's box was stored;
   * `empty-mask`: the segmentation covers no pixel, and the box was stored alone;
   * `clipped`: the box stuck out of its image, and was clipped to it.
   */
  reason: 'mask-box' | 'empty-mask' | 'clipped';
}

export type CocoImportSummary = DatasetImportSummary & { fixed: ImportFix[] };

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
  project: ProjectService,
  file: string,
  imageRoot: string,
  onProgress?: (p: ImportProgress) => void,
  opts: { again?: boolean } = {},
): Promise<CocoImportSummary> {
  const { data, sha256 } = await readJsonFileHashed(file);
  // Refuse a repeated import before the slow checks (image probes, masks); the write checks again.
  const again = opts.again === true;
  project.checkNotImported(sha256, file, again);
  const parsed = parseCocoDataset(data);
  if (!parsed.ok) throw invalid(file, parsed.issues);
  const ds = parsed.value;
  const { issues, segmentations } = validateReferences(ds);
  if (issues.length) throw invalid(file, issues);
  onProgress?.({ phase: 'validate', done: 1, total: 1 });

  const root = resolve(imageRoot);
  const files = await matchImageFiles(ds.images, root, (done) => onProgress?.({ phase: 'images', done, total: ds.images.length }));
  const masks = convertSegmentations(ds, segmentations, (done) => onProgress?.({ phase: 'masks', done, total: ds.annotations.length }));
  const { geometry, fixed } = storedGeometry(file, ds, masks);

  onProgress?.({ phase: 'write', done: 0, total: ds.annotations.length });
  const annotated = new Set(ds.annotations.map((a) => a.image_id));
  const summary = project.importDataset({
    source: file,
    sha256,
    again,
    categories: ds.categories.map((c) => ({ id: c.id, name: c.name, supercategory: c.supercategory?.trim() || undefined })),
    images: ds.images.map((im, i) => ({ id: im.id, file: files[i], annotated: annotated.has(im.id) })),
    annotations: (function* () {
      for (let i = 0; i < ds.annotations.length; i++) {
        const a = ds.annotations[i];
        const g = geometry[i];
        yield { imageId: a.image_id, categoryId: a.category_id, bbox: g.bbox, rle: g.rle?.counts ?? null, area: g.area, iscrowd: a.iscrowd === 1 };
      }
    })(),
  });
  onProgress?.({ phase: 'write', done: ds.annotations.length, total: ds.annotations.length });
  return { ...summary, fixed };
}

interface StoredGeometry {
  bbox: Bbox;
  rle: Rle | null;
  area: number;
}

/**
 * What each annotation is stored as. A mask is exact and its box follows from it: a file
 * box that contradicts its segmentation (beyond 0.01 px) is replaced by the mask's box and
 * reported, as is a segmentation with no pixel (kept as its box) and a box clipped to its
 * image. Accepting and reporting serves a person with a real dataset better than refusing
 * it: exporters often write a box of their own making next to the mask (padded, from a
 * detector, rounded to whole pixels), and the mask is the annotation's finer truth.
 */
function storedGeometry(file: string, ds: CocoDataset, masks: ConvertedMask[]): { geometry: StoredGeometry[]; fixed: ImportFix[] } {
  const imageSize = new Map(ds.images.map((im) => [im.id, im]));
  const fixed: ImportFix[] = [];
  const issues: CocoIssue[] = [];
  const geometry = ds.annotations.map((a, i): StoredGeometry => {
    const given = [a.bbox[0], a.bbox[1], a.bbox[2], a.bbox[3]] as Bbox;
    const path = `annotations[${i}].bbox`;
    const m = masks[i];
    if (m.rle && m.area > 0) {
      const box = rleBbox(m.rle);
      if (!sameBox(given, box))
        fixed.push({ path, id: a.id, from: given, to: box, reason: 'mask-box' });
      return { bbox: box, rle: m.rle, area: m.area };
    }
    const im = imageSize.get(a.image_id)!;
    let box: Bbox;
    try {
      box = clipBox(given, im.width, im.height, path);
    } catch (e) {
      issues.push({ path, message: (e instanceof Error ? e.message : String(e)).replace(`${path}: `, '') });
      return { bbox: given, rle: null, area: 0 };
    }
    if (m.rle) fixed.push({ path: `annotations[${i}].segmentation`, id: a.id, from: given, to: box, reason: 'empty-mask' });
    else if (!sameBox(roundBox(given), box)) fixed.push({ path, id: a.id, from: given, to: box, reason: 'clipped' });
    return { bbox: box, rle: null, area: Math.round(box[2] * box[3] * 100) / 100 };
  });
  if (issues.length) throw invalid(file, issues);
  return { geometry, fixed };
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
    if (seg.kind === 'none') return { rle: null, area: 0 }; // a box: storedGeometry gives its area
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
