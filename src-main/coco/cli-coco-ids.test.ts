import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';
import { initSampleProject } from '../testing/sample-project';

const tmp = useTmp();
const MAX_ID = 2 ** 31 - 1;

const setup = () => initSampleProject(tmp());

describe('COCO import of ids that would overflow', () => {
  it('gives a category id beyond 2^31−1 a fresh id, says so, and later categories stay unique', () => {
    const { d, images, p } = setup();
    const src = join(d, 'big.json');
    writeFileSync(
      src,
      JSON.stringify({
        images: [{ id: 1, file_name: 'chelsea.png', width: 451, height: 300 }],
        categories: [
          { id: 9007199254740990, name: 'huge' },
          { id: 3, name: 'small' },
        ],
        annotations: [
          { id: 1, image_id: 1, category_id: 9007199254740990, bbox: [10, 10, 20, 20] },
          { id: 2, image_id: 1, category_id: 3, bbox: [40, 40, 20, 20] },
        ],
      }),
    );
    const imp = runCli(['--json', 'import', 'coco', p, src, '--images', images]);
    expect(imp.code, imp.stderr).toBe(0);
    const [m] = imp.json.categories.remapped;
    expect(imp.json.categories.remapped).toHaveLength(1);
    expect(m).toMatchObject({ name: 'huge', from: 9007199254740990, reason: 'too-large' });
    expect(m.to).toBeLessThanOrEqual(MAX_ID);

    const human = runCli(['import', 'coco', p, src, '--images', images, '--again']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('9007199254740990');

    expect(runCli(['categories', p, 'add', 'a,b,c']).code).toBe(0);
    const out = join(d, 'out.json');
    const exp = runCli(['export', 'coco', p, out]);
    expect(exp.code, exp.stderr).toBe(0);
    const ds = JSON.parse(readFileSync(out, 'utf8'));
    const ids: number[] = ds.categories.map((c: { id: number }) => c.id);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(id).toBeLessThanOrEqual(MAX_ID);
    // The small id the file gave is kept; the annotations follow their categories.
    expect(ds.categories.find((c: { name: string }) => c.name === 'small').id).toBe(3);
    const huge = ds.categories.find((c: { name: string }) => c.name === 'huge').id;
    expect(ds.annotations.filter((a: { category_id: number }) => a.category_id === huge)).toHaveLength(2);
  });

  it('refuses image and annotation ids beyond 2^53−1 with their JSON path', () => {
    const { d, images, p } = setup();
    const src = join(d, 'unsafe.json');
    writeFileSync(
      src,
      `{"images":[{"id":9007199254740993,"file_name":"chelsea.png","width":451,"height":300}],` +
        `"categories":[{"id":1,"name":"cat"}],` +
        `"annotations":[{"id":18014398509481984,"image_id":9007199254740993,"category_id":1,"bbox":[1,1,2,2]}]}`,
    );
    const r = runCli(['import', 'coco', p, src, '--images', images]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('images[0].id');
  });
});
