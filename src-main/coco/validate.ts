import type { CocoDataset } from './schema';
import { describeType, type CocoIssue } from './schema';

/** Boxes may overhang the image by rounding; more than this is an error, not noise. */
export const BBOX_TOLERANCE_PX = 1;

export type SegmentationKind =
  | { kind: 'none' }
  | { kind: 'polygons'; polygons: number[][] }
  | { kind: 'rle'; size: [number, number]; counts: string | number[] };

/**
 * Cross-reference checks zod cannot express: unique ids, references to images and
 * categories that exist, boxes inside their image, and segmentations whose shape and
 * size agree with the image. Returns every problem (capped) so a person fixes them in one go.
 */
export function validateReferences(ds: CocoDataset, maxIssues = 50): { issues: CocoIssue[]; segmentations: SegmentationKind[] } {
  const issues: CocoIssue[] = [];
  const add = (path: string, message: string) => {
    if (issues.length < maxIssues) issues.push({ path, message });
  };

  const images = new Map<number, { width: number; height: number }>();
  ds.images.forEach((im, i) => {
    if (images.has(im.id)) add(`images[${i}].id`, `duplicate image id ${im.id}`);
    images.set(im.id, im);
  });
  const categories = new Set<number>();
  const names = new Map<string, number>();
  ds.categories.forEach((c, i) => {
    if (categories.has(c.id)) add(`categories[${i}].id`, `duplicate category id ${c.id}`);
    categories.add(c.id);
    const key = c.name.trim().toLowerCase();
    if (names.has(key)) add(`categories[${i}].name`, `duplicate category name "${c.name}" (also id ${names.get(key)})`);
    names.set(key, c.id);
  });

  const seen = new Set<number>();
  const segmentations: SegmentationKind[] = new Array(ds.annotations.length);
  ds.annotations.forEach((a, i) => {
    const at = `annotations[${i}]`;
    if (seen.has(a.id)) add(`${at}.id`, `duplicate annotation id ${a.id}`);
    seen.add(a.id);
    const img = images.get(a.image_id);
    if (!img) add(`${at}.image_id`, `no image with id ${a.image_id}`);
    if (!categories.has(a.category_id)) add(`${at}.category_id`, `no category with id ${a.category_id}`);
    const [x, y, w, h] = a.bbox;
    if (w < 0 || h < 0) add(`${at}.bbox`, `negative width or height [${a.bbox.join(', ')}]`);
    else if (img && (x < -BBOX_TOLERANCE_PX || y < -BBOX_TOLERANCE_PX || x + w > img.width + BBOX_TOLERANCE_PX || y + h > img.height + BBOX_TOLERANCE_PX))
      add(`${at}.bbox`, `[${a.bbox.join(', ')}] lies outside its ${img.width}×${img.height} image`);
    segmentations[i] = checkSegmentation(a.segmentation, img, `${at}.segmentation`, add);
  });
  return { issues, segmentations };
}

function checkSegmentation(
  seg: unknown,
  img: { width: number; height: number } | undefined,
  at: string,
  add: (path: string, message: string) => void,
): SegmentationKind {
  if (seg === undefined || seg === null || (Array.isArray(seg) && seg.length === 0)) return { kind: 'none' };
  if (Array.isArray(seg)) {
    for (let p = 0; p < seg.length; p++) {
      const poly: unknown = seg[p];
      if (!Array.isArray(poly)) {
        add(`${at}[${p}]`, `expected a polygon (array of numbers), got ${describeType(poly)}`);
        return { kind: 'none' };
      }
      const bad = poly.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0) {
        add(`${at}[${p}][${bad}]`, `expected number, got ${describeType(poly[bad])}`);
        return { kind: 'none' };
      }
      if (poly.length < 6 || poly.length % 2) {
        add(`${at}[${p}]`, `a polygon needs an even number of coordinates, at least 6 (got ${poly.length})`);
        return { kind: 'none' };
      }
    }
    return { kind: 'polygons', polygons: seg as number[][] };
  }
  if (typeof seg === 'object') {
    const { size, counts } = seg as { size?: unknown; counts?: unknown };
    if (!Array.isArray(size) || size.length !== 2 || !size.every((v) => Number.isInteger(v) && v >= 0)) {
      add(`${at}.size`, 'expected [height, width]');
      return { kind: 'none' };
    }
    if (img && (size[0] !== img.height || size[1] !== img.width)) {
      add(`${at}.size`, `RLE size [${size.join(', ')}] does not match the image (${img.height}×${img.width}, height first)`);
      return { kind: 'none' };
    }
    if (typeof counts === 'string') return { kind: 'rle', size: size as [number, number], counts };
    if (Array.isArray(counts)) {
      const bad = counts.findIndex((v) => !Number.isInteger(v) || v < 0);
      if (bad >= 0) {
        add(`${at}.counts[${bad}]`, `expected a non-negative integer, got ${JSON.stringify(counts[bad])}`);
        return { kind: 'none' };
      }
      const sum = counts.reduce((s: number, v: number) => s + v, 0);
      if (sum !== size[0] * size[1]) {
        add(`${at}.counts`, `run lengths sum to ${sum}, expected height×width = ${size[0] * size[1]}`);
        return { kind: 'none' };
      }
      return { kind: 'rle', size: size as [number, number], counts: counts as number[] };
    }
    add(`${at}.counts`, `expected a string or an array of run lengths, got ${describeType(counts)}`);
    return { kind: 'none' };
  }
  add(at, `expected polygons or an RLE object, got ${describeType(seg)}`);
  return { kind: 'none' };
}
