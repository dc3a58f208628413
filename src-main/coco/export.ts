import { dirname, relative, resolve, sep } from 'node:path';
import { CocoExportOptions } from '../shared/contract';
import { LwError } from '../shared/errors';
import { ReadSnapshot } from '../db/read-snapshot';
import { allCategories } from '../db/categories-table';
import { iterateImagePaths, iterateImages } from '../db/images-table';
import {
  countExportAnnotations,
  countExportPredictions,
  iterateExportAnnotations,
  iterateExportPredictions,
  type ExportRow,
} from '../db/annotations-table';
import { decodeRle, maskToCocoPolygons, rleFromBbox } from '../shared/masks';
import { roundCoord } from '../shared/annotation-rules';
import { reviewedWithPendingReport } from '../services/export-preview';
import { ChunkedFileWriter } from './chunked-writer';
import { checkExportTarget } from './export-target';

export interface CocoExportSummary {
  path: string;
  format: 'instances' | 'results';
  images: number;
  annotations: number;
  categories: number;
  bytes: number;
  /** Images marked reviewed that still hold pending predictions, and what this export did with them. */
  reviewedWithPending: number;
  reviewedWithPendingNote: string | null;
}

export interface ExportProgress {
  done: number;
  total: number;
}

/**
 * Streams a COCO file from a read snapshot of the project: rows are read with iterators
 * on a dedicated read-only connection and written in 1 MB chunks, so 1M annotations
 * never sit in memory at once, and writers in other processes can keep working.
 *
 * Image ids in the file are the project's image ids (they start at 1), so an instances
 * export and a results export of the same project agree on image_id. Annotation ids are
 * numbered from 1 in file order.
 */
export async function exportCoco(
  project: { readonly path: string },
  outPath: string,
  rawOptions: CocoExportOptions = {},
  onProgress?: (p: ExportProgress) => void,
): Promise<CocoExportSummary> {
  const opts = CocoExportOptions.parse(rawOptions);
  checkExportTarget(project.path, outPath);
  const reader = new ReadSnapshot(project.path); // one snapshot for the whole export
  const out = new ChunkedFileWriter(resolve(outPath));
  try {
    const summary =
      opts.format === 'results' ? await writeResults(reader, out, opts, onProgress) : await writeInstances(reader, out, opts, onProgress);
    const report = reviewedWithPendingReport(reader, opts);
    reader.close();
    await out.commit();
    return { ...summary, ...report, path: resolve(outPath), format: opts.format, bytes: out.bytes };
  } catch (e) {
    await out.abort();
    throw e;
  } finally {
    reader.close();
  }
}

type Opts = ReturnType<typeof CocoExportOptions.parse>;
type WrittenCounts = Pick<CocoExportSummary, 'images' | 'annotations' | 'categories'>;

async function writeInstances(
  db: ReadSnapshot,
  out: ChunkedFileWriter,
  opts: Opts,
  onProgress?: (p: ExportProgress) => void,
): Promise<WrittenCounts> {
  const filter = { reviewedOnly: opts.reviewedOnly, includePending: opts.include === 'pending' };
  const total = countExportAnnotations(db, filter);

  const root = opts.imageRoot ? resolve(opts.imageRoot) : commonFolder(db, filter);
  await out.write(
    `{"info":${JSON.stringify({ description: 'Exported by Labelwright', version: '1.0', date_created: new Date().toISOString() })},"licenses":[],"categories":`,
  );
  const categories = allCategories(db);
  await out.write(JSON.stringify(categories.map((c) => ({ id: c.id, name: c.name, supercategory: c.supercategory ?? '' }))));

  await out.write(`,"images":[`);
  let images = 0;
  for (const im of iterateImages(db, filter)) {
    const fileName = relativeName(root, im.path);
    const p = out.write(`${images ? ',' : ''}{"id":${im.id},"file_name":${JSON.stringify(fileName)},"width":${im.width},"height":${im.height}}`);
    if (p) await p;
    images++;
  }

  await out.write(`],"annotations":[`);
  let n = 0;
  for (const a of iterateExportAnnotations(db, filter)) {
    n++;
    const seg = a.iscrowd ? crowdSegmentationJson(a) : segmentationJson(a, opts.segmentation);
    const p = out.write(
      `${n > 1 ? ',' : ''}{"id":${n},"image_id":${a.image_id},"category_id":${a.category_id},"bbox":${bboxJson(a)},"area":${roundCoord(a.area)},"iscrowd":${a.iscrowd ? 1 : 0},"segmentation":${seg}}`,
    );
    if (p) {
      onProgress?.({ done: n, total });
      await p;
    }
  }
  await out.write(`]}\n`);
  onProgress?.({ done: n, total });
  return { images, annotations: n, categories: categories.length };
}

/** COCO results: a bare array of model predictions with scores, for evaluation tools. */
async function writeResults(
  db: ReadSnapshot,
  out: ChunkedFileWriter,
  opts: Opts,
  onProgress?: (p: ExportProgress) => void,
): Promise<WrittenCounts> {
  const filter = { reviewedOnly: opts.reviewedOnly };
  const total = countExportPredictions(db, filter);
  await out.write('[');
  let n = 0;
  const imagesSeen = new Set<number>();
  const cats = new Set<number>();
  for (const a of iterateExportPredictions(db, filter)) {
    n++;
    imagesSeen.add(a.image_id);
    cats.add(a.category_id);
    const seg = a.rle && opts.segmentation !== 'none' ? `,"segmentation":${segmentationJson(a, opts.segmentation)}` : '';
    const p = out.write(
      `${n > 1 ? ',' : ''}{"image_id":${a.image_id},"category_id":${a.category_id},"bbox":${bboxJson(a)},"score":${a.score ?? 0}${seg}}`,
    );
    if (p) {
      onProgress?.({ done: n, total });
      await p;
    }
  }
  await out.write(']\n');
  onProgress?.({ done: n, total });
  return { images: imagesSeen.size, annotations: n, categories: cats.size };
}

/**
 * Numbers are written rounded to 1/100 px, as they are stored: rows from older versions
 * may still carry float noise (129.89999999999998), which a dataset should never show.
 */
function bboxJson(a: ExportRow): string {
  return `[${roundCoord(a.x)},${roundCoord(a.y)},${roundCoord(a.w)},${roundCoord(a.h)}]`;
}

/** Box-only annotations get `[]`, which COCO readers treat as "no segmentation". */
function segmentationJson(a: ExportRow, mode: Opts['segmentation']): string {
  if (!a.rle || mode === 'none') return '[]';
  if (mode === 'rle') return `{"size":[${a.ih},${a.iw}],"counts":${JSON.stringify(a.rle)}}`;
  return JSON.stringify(maskToCocoPolygons(decodeRle({ size: [a.ih, a.iw], counts: a.rle })));
}

/**
 * A crowd region's segmentation is always COCO compressed RLE, whatever the export's
 * segmentation option: COCO defines iscrowd 1 as RLE, and pycocotools' annToRLE and loadRes
 * read the compressed form as it is. A crowd annotation without a mask is its box,
 * rasterised as pycocotools frBbox does: the region it marks is the box, and evaluation
 * (which ignores detections inside crowd regions) needs pixels, not `[]`.
 */
function crowdSegmentationJson(a: ExportRow): string {
  const counts = a.rle ?? rleFromBbox([a.x, a.y, a.w, a.h], a.ih, a.iw).counts;
  return `{"size":[${a.ih},${a.iw}],"counts":${JSON.stringify(counts)}}`;
}

/** The deepest folder holding every exported image: file names stay short and portable. */
function commonFolder(db: ReadSnapshot, filter: { reviewedOnly: boolean }): string {
  let common: string[] | null = null;
  for (const r of iterateImagePaths(db, filter)) {
    const parts = dirname(r.path).split(sep);
    if (!common) common = parts;
    else {
      let i = 0;
      while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
      common.length = i;
    }
  }
  return common ? common.join(sep) || sep : process.cwd();
}

function relativeName(root: string, path: string): string {
  const rel = relative(root, path);
  if (rel.startsWith('..') || resolve(root, rel) !== path)
    throw new LwError('INVALID_ARGUMENT', `Image ${path} lies outside the export's image root ${root}`, 'Choose an --image-root that contains every image.');
  return rel.split(sep).join('/');
}
