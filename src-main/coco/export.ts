import Database from 'better-sqlite3';
import { dirname, relative, resolve, sep } from 'node:path';
import { CocoExportOptions } from '../shared/contract';
import { LwError } from '../shared/errors';
import type { ProjectDb } from '../db/project-db';
import { decodeRle, maskToCocoPolygons } from '../shared/masks';
import { ChunkedFileWriter } from './chunked-writer';

export interface CocoExportSummary {
  path: string;
  format: 'instances' | 'results';
  images: number;
  annotations: number;
  categories: number;
  bytes: number;
}

export interface ExportProgress {
  done: number;
  total: number;
}

interface ImageRow {
  id: number;
  path: string;
  width: number;
  height: number;
}

interface AnnRow {
  image_id: number;
  category_id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  rle: string | null;
  area: number;
  score: number | null;
  ih: number;
  iw: number;
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
  pdb: ProjectDb,
  outPath: string,
  rawOptions: CocoExportOptions = {},
  onProgress?: (p: ExportProgress) => void,
): Promise<CocoExportSummary> {
  const opts = CocoExportOptions.parse(rawOptions);
  const reader = new Database(pdb.path, { readonly: true, fileMustExist: true });
  const out = new ChunkedFileWriter(resolve(outPath));
  try {
    reader.pragma('busy_timeout = 5000');
    reader.exec('BEGIN'); // one snapshot for the whole export
    const summary =
      opts.format === 'results' ? await writeResults(reader, out, opts, onProgress) : await writeInstances(reader, out, opts, onProgress);
    reader.exec('COMMIT');
    await out.commit();
    return { ...summary, path: resolve(outPath), format: opts.format, bytes: out.bytes };
  } catch (e) {
    await out.abort();
    throw e;
  } finally {
    reader.close();
  }
}

type Opts = ReturnType<typeof CocoExportOptions.parse>;

function imageFilter(opts: Opts): string {
  return opts.reviewedOnly ? `WHERE status = 'reviewed'` : '';
}

async function writeInstances(
  db: Database.Database,
  out: ChunkedFileWriter,
  opts: Opts,
  onProgress?: (p: ExportProgress) => void,
): Promise<Omit<CocoExportSummary, 'path' | 'format' | 'bytes'>> {
  const states = opts.include === 'pending' ? `('accepted','pending')` : `('accepted')`;
  const imgWhere = imageFilter(opts);
  const total = (
    db
      .prepare(`SELECT count(*) AS n FROM annotations a JOIN images i ON i.id = a.image_id ${imgWhere ? `${imgWhere.replace('status', 'i.status')} AND` : 'WHERE'} a.state IN ${states}`)
      .get() as { n: number }
  ).n;

  const root = opts.imageRoot ? resolve(opts.imageRoot) : commonFolder(db, imgWhere);
  await out.write(
    `{"info":${JSON.stringify({ description: 'Exported by Labelwright', version: '1.0', date_created: new Date().toISOString() })},"licenses":[],"categories":`,
  );
  const categories = db.prepare(`SELECT id, name, supercategory FROM categories ORDER BY id`).all() as { id: number; name: string; supercategory: string | null }[];
  await out.write(JSON.stringify(categories.map((c) => ({ id: c.id, name: c.name, supercategory: c.supercategory ?? '' }))));

  await out.write(`,"images":[`);
  let images = 0;
  for (const im of db.prepare(`SELECT id, path, width, height FROM images ${imgWhere} ORDER BY id`).iterate() as IterableIterator<ImageRow>) {
    const fileName = relativeName(root, im.path);
    const p = out.write(`${images ? ',' : ''}{"id":${im.id},"file_name":${JSON.stringify(fileName)},"width":${im.width},"height":${im.height}}`);
    if (p) await p;
    images++;
  }

  await out.write(`],"annotations":[`);
  let n = 0;
  const annSql = `SELECT a.image_id, a.category_id, a.x, a.y, a.w, a.h, a.rle, a.area, a.score, i.height AS ih, i.width AS iw
    FROM annotations a JOIN images i ON i.id = a.image_id ${opts.reviewedOnly ? `AND i.status = 'reviewed'` : ''}
    WHERE a.state IN ${states} ORDER BY a.image_id, a.id`;
  for (const a of db.prepare(annSql).iterate() as IterableIterator<AnnRow>) {
    n++;
    const seg = segmentationJson(a, opts.segmentation);
    const p = out.write(
      `${n > 1 ? ',' : ''}{"id":${n},"image_id":${a.image_id},"category_id":${a.category_id},"bbox":[${a.x},${a.y},${a.w},${a.h}],"area":${a.area},"iscrowd":0,"segmentation":${seg}}`,
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
  db: Database.Database,
  out: ChunkedFileWriter,
  opts: Opts,
  onProgress?: (p: ExportProgress) => void,
): Promise<Omit<CocoExportSummary, 'path' | 'format' | 'bytes'>> {
  const join = `JOIN images i ON i.id = p.image_id ${opts.reviewedOnly ? `AND i.status = 'reviewed'` : ''}`;
  const total = (db.prepare(`SELECT count(*) AS n FROM predictions p ${join}`).get() as { n: number }).n;
  await out.write('[');
  let n = 0;
  const imagesSeen = new Set<number>();
  const cats = new Set<number>();
  for (const a of db
    .prepare(
      `SELECT p.image_id, p.category_id, p.x, p.y, p.w, p.h, p.rle, p.area, p.score, i.height AS ih, i.width AS iw
       FROM predictions p ${join} ORDER BY p.image_id, p.id`,
    )
    .iterate() as IterableIterator<AnnRow>) {
    n++;
    imagesSeen.add(a.image_id);
    cats.add(a.category_id);
    const seg = a.rle && opts.segmentation !== 'none' ? `,"segmentation":${segmentationJson(a, opts.segmentation)}` : '';
    const p = out.write(
      `${n > 1 ? ',' : ''}{"image_id":${a.image_id},"category_id":${a.category_id},"bbox":[${a.x},${a.y},${a.w},${a.h}],"score":${a.score ?? 0}${seg}}`,
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

/** Box-only annotations get `[]`, which COCO readers treat as "no segmentation". */
function segmentationJson(a: AnnRow, mode: Opts['segmentation']): string {
  if (!a.rle || mode === 'none') return '[]';
  if (mode === 'rle') return `{"size":[${a.ih},${a.iw}],"counts":${JSON.stringify(a.rle)}}`;
  return JSON.stringify(maskToCocoPolygons(decodeRle({ size: [a.ih, a.iw], counts: a.rle })));
}

/** The deepest folder holding every exported image: file names stay short and portable. */
function commonFolder(db: Database.Database, where: string): string {
  let common: string[] | null = null;
  for (const r of db.prepare(`SELECT path FROM images ${where}`).iterate() as IterableIterator<{ path: string }>) {
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
