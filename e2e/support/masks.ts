/** Masks for the end-to-end tests: made with the app's own codec, read back from the database. */
import { encodeMask, rleArea, rleBbox, stringToCounts } from '../../src-main/shared/masks';
import type { Rle } from '../../src-main/shared/contract';
import { readDb } from './db';

/** A filled disc of radius `r` around (cx, cy) in a width×height image: a mask that is not its box. */
export function discMask(width: number, height: number, cx: number, cy: number, r: number): Rle {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r) data[y * width + x] = 1;
  return encodeMask({ width, height, data });
}

export interface StoredGeometry {
  bbox: [number, number, number, number];
  area: number;
  /** The tight box and pixel count of the stored mask, computed here from its counts (null without a mask). */
  maskBox: [number, number, number, number] | null;
  maskArea: number | null;
  /** The stored counts string. */
  rle: string | null;
}

/** An annotation's stored box and area next to what its stored mask says they must be. */
export function storedGeometry(file: string, id: number): StoredGeometry {
  const row = readDb(file, (db) =>
    db
      .prepare(
        `SELECT a.x, a.y, a.w, a.h, a.area, a.rle, i.width AS iw, i.height AS ih
         FROM annotations a JOIN images i ON i.id = a.image_id WHERE a.id = ?`,
      )
      .get(id),
  ) as {
    x: number;
    y: number;
    w: number;
    h: number;
    area: number;
    rle: string | null;
    iw: number;
    ih: number;
  };
  if (!row) throw new Error(`no annotation ${id} in ${file}`);
  const counts = row.rle ? stringToCounts(row.rle) : null;
  return {
    bbox: [row.x, row.y, row.w, row.h],
    area: row.area,
    maskBox: counts ? (rleBbox(counts, row.ih, row.iw) as [number, number, number, number]) : null,
    maskArea: counts ? rleArea(counts) : null,
    rle: row.rle,
  };
}
