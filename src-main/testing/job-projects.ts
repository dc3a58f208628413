/**
 * Projects for pre-labeling tests: small distinct images, each with one red or blue
 * rectangle the fixture packs find, added through the real CLI; and a canonical dump of
 * what a job wrote, to compare two projects row for row.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from './cli';
import { plantedImage, RED, BLUE } from './planted-images';

/** n distinct small images, each with one red or blue rectangle at its own place. */
export async function makeJobImages(dir: string, n: number, size: [number, number] = [96, 72]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const [w, h] = size;
    const rw = 24 + (i % 5) * 4, rh = 20 + (i % 3) * 4;
    const x = (i * 7) % (w - rw), y = Math.floor(i / 7) % (h - rh);
    writeFileSync(join(dir, `img${String(i).padStart(3, '0')}.png`), await plantedImage(w, h, [{ x, y, w: rw, h: rh, colour: i % 2 ? RED : BLUE }]));
  }
}

/** A project `p.lw` in `d` with n images in `d/img` and the categories red and blue, made through the CLI. */
export async function jobProject(d: string, n: number, size?: [number, number]): Promise<string> {
  await makeJobImages(join(d, 'img'), n, size);
  const p = join(d, 'p.lw');
  for (const args of [['init', p], ['add', p, join(d, 'img')], ['categories', p, 'add', 'red,blue']]) {
    const r = runCli(args);
    if (r.code !== 0) throw new Error(`labelwright ${args.join(' ')}: ${r.stderr}`);
  }
  return p;
}

export function queryProject<T>(p: string, sql: string, ...args: unknown[]): T {
  const db = new Database(p, { readonly: true });
  try {
    return db.prepare(sql).get(...args) as T;
  } finally {
    db.close();
  }
}

/**
 * Every prediction and annotation of a project without ids or timestamps, sorted: equal
 * dumps mean the same model output was written, each row once (an annotation names its
 * prediction by content, not by id).
 */
export function canonicalJobOutput(p: string): { predictions: string[]; annotations: string[] } {
  const db = new Database(p, { readonly: true });
  try {
    const name = (r: Record<string, unknown>) => JSON.stringify({ ...r, path: basename(String(r.path)) });
    const predictions = (
      db
        .prepare(
          `SELECT i.path, r.pack_id, p.category_id, p.x, p.y, p.w, p.h, p.rle, p.area, p.score, p.phrase
           FROM predictions p JOIN images i ON i.id = p.image_id JOIN runs r ON r.id = p.run_id`,
        )
        .all() as Record<string, unknown>[]
    ).map(name);
    const annotations = (
      db
        .prepare(
          `SELECT i.path, a.category_id, a.x, a.y, a.w, a.h, a.rle, a.area, a.source, a.state, a.score,
                  r.pack_id AS p_pack, p.category_id AS p_category, p.x AS p_x, p.y AS p_y, p.w AS p_w, p.h AS p_h, p.score AS p_score
           FROM annotations a JOIN images i ON i.id = a.image_id
           LEFT JOIN predictions p ON p.id = a.prediction_id LEFT JOIN runs r ON r.id = p.run_id`,
        )
        .all() as Record<string, unknown>[]
    ).map(name);
    return { predictions: predictions.sort(), annotations: annotations.sort() };
  } finally {
    db.close();
  }
}
