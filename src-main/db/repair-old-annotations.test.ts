/**
 * A project written by an older Labelwright can hold masked annotations whose box was moved
 * without its mask, and boxes with float noise. Opening it upgrades the file (schema 5), and
 * from then on what the CLI exports is self-consistent.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPLICATION_ID, ProjectDb } from './project-db';
import { migrations } from './migrations';
import { decodeRle, encodeMask } from '../shared/masks';
import { useTmp } from '../testing/tmp';
import { pixelBbox } from '../testing/mask-refs';
import { writeImage } from '../testing/write-image';
import { runCli } from '../testing/cli';

const tmp = useTmp();

describe('opening a project written before schema 5', () => {
  it('fits every masked box to its mask and rounds coordinates, then exports them consistently', async () => {
    const dir = tmp();
    await writeImage(join(dir, 'imgs', 'a.png'), 60, 40, { format: 'png', seed: 3 });
    const project = join(dir, 'p.lw');

    // What an older version left behind, in a file at schema 4 (migrations 1 to 4 only): an
    // image, a category, a box moved 20 px left without its mask, and a plain box with
    // float noise.
    const data = new Uint8Array(60 * 40);
    for (let y = 10; y < 20; y++) for (let x = 30; x < 45; x++) data[y * 60 + x] = 1;
    const rle = encodeMask({ width: 60, height: 40, data });
    const raw = new Database(project);
    for (const m of migrations.filter((m) => m.version <= 4)) {
      if (!('sql' in m)) throw new Error(`migration ${m.version} is not SQL text`);
      raw.exec(m.sql);
    }
    raw.pragma('user_version = 4');
    raw.pragma(`application_id = ${APPLICATION_ID}`);
    raw.prepare(`INSERT INTO images (path, hash, width, height, bytes, format, added_at, updated_at) VALUES (?, 'old-hash', 60, 40, 1, 'png', 0, 0)`).run(
      join(dir, 'imgs', 'a.png'),
    );
    raw.prepare(`INSERT INTO categories (name, name_key, color, prompt, created_at) VALUES ('thing', 'thing', '#ff0000', 'thing', 0)`).run();
    raw.prepare(
      `INSERT INTO annotations (image_id, category_id, x, y, w, h, rle, area, source, state, created_at, updated_at)
       VALUES (1, 1, 10, 10, 15, 10, ?, 150, 'human', 'accepted', 0, 0),
              (1, 1, 1.1 + 2.2, 4.000000000000001, 10.129999999999999, 5, NULL, 50.65, 'human', 'accepted', 0, 0)`,
    ).run(rle.counts);
    raw.close();

    const pdb = ProjectDb.open(project);
    const rows = pdb.db.prepare(`SELECT x, y, w, h, area, rle FROM annotations ORDER BY id`).all() as { x: number; y: number; w: number; h: number; area: number }[];
    pdb.close();
    expect(rows[0]).toMatchObject({ x: 30, y: 10, w: 15, h: 10, area: 150 });
    expect(rows[1]).toMatchObject({ x: 3.3, y: 4, w: 10.13, h: 5 });

    for (const segmentation of ['rle', 'polygon']) {
      const out = join(dir, `out-${segmentation}.json`);
      expect(runCli(['export', 'coco', project, out, '--segmentation', segmentation]).code).toBe(0);
      const coco = JSON.parse(readFileSync(out, 'utf8'));
      const masked = coco.annotations.find((a: { segmentation: unknown }) => !Array.isArray(a.segmentation) || a.segmentation.length > 0);
      const segBox =
        segmentation === 'rle'
          ? pixelBbox(decodeRle(masked.segmentation))
          : (() => {
              const xs = masked.segmentation.flatMap((p: number[]) => p.filter((_, i) => i % 2 === 0));
              const ys = masked.segmentation.flatMap((p: number[]) => p.filter((_, i) => i % 2 === 1));
              return [Math.min(...xs), Math.min(...ys), Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)];
            })();
      masked.bbox.forEach((v: number, i: number) => expect(Math.abs(v - segBox[i])).toBeLessThanOrEqual(0.01));
      const plain = coco.annotations.find((a: { id: number }) => a.id !== masked.id);
      expect(plain.bbox).toEqual([3.3, 4, 10.13, 5]);
    }
  });
});
