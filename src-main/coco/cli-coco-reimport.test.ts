import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';
import { initSampleProject } from '../testing/sample-project';

const tmp = useTmp();

function setup() {
  const { d, images, p } = initSampleProject(tmp());
  const src = join(d, 'in.json');
  writeFileSync(
    src,
    JSON.stringify({
      images: [
        { id: 7, file_name: 'chelsea.png', width: 451, height: 300 },
        { id: 8, file_name: 'rocket.jpg', width: 640, height: 427 },
      ],
      categories: [{ id: 1, name: 'cat' }],
      annotations: [
        { id: 1, image_id: 7, category_id: 1, bbox: [10, 10, 20, 20] },
        { id: 2, image_id: 8, category_id: 1, bbox: [30, 30, 40, 40] },
        { id: 3, image_id: 8, category_id: 1, bbox: [50, 50, 10, 10] },
      ],
    }),
  );
  return { d, images, p, src };
}

function counts(p: string) {
  const db = new Database(p, { readonly: true });
  const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  const r = { images: n('images'), annotations: n('annotations'), categories: n('categories'), runs: n('runs'), imports: n('coco_imports') };
  db.close();
  return r;
}

describe('importing the same COCO file twice', () => {
  it('refuses the second import, changing nothing; --again imports it anyway', () => {
    const { d, images, p, src } = setup();
    const first = runCli(['import', 'coco', p, src, '--images', images]);
    expect(first.code, first.stderr).toBe(0);
    const after1 = counts(p);
    expect(after1).toMatchObject({ images: 2, annotations: 3, categories: 1, imports: 1 });

    const second = runCli(['import', 'coco', p, src, '--images', images]);
    expect(second.code).toBe(4);
    expect(second.stderr).toMatch(/already imported into this project on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(second.stderr).toContain('--again');
    expect(second.stderr).toContain('Nothing was changed');
    expect(counts(p)).toEqual(after1);

    // The same bytes under another name are the same import.
    const copy = join(d, 'copy.json');
    writeFileSync(copy, readFileSync(src));
    const renamed = runCli(['--json', 'import', 'coco', p, copy, '--images', images]);
    expect(renamed.code).toBe(4);
    expect(renamed.json.error?.code ?? renamed.stdout).toMatch(/CONFLICT/);
    expect(counts(p)).toEqual(after1);

    const again = runCli(['import', 'coco', p, src, '--images', images, '--again']);
    expect(again.code, again.stderr).toBe(0);
    expect(counts(p)).toMatchObject({ images: 2, annotations: 6, categories: 1, imports: 2 });
  });

  it('imports a changed file', () => {
    const { images, p, src } = setup();
    expect(runCli(['import', 'coco', p, src, '--images', images]).code).toBe(0);
    const ds = JSON.parse(readFileSync(src, 'utf8'));
    ds.annotations.pop();
    writeFileSync(src, JSON.stringify(ds));
    const r = runCli(['import', 'coco', p, src, '--images', images]);
    expect(r.code, r.stderr).toBe(0);
    expect(counts(p)).toMatchObject({ annotations: 5, imports: 2 });
  });
});
