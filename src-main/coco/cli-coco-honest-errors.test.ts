/** Bad COCO input gets exit 3 (bad input, README) and a message that names what is wrong, where. */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';
import { initSampleProject } from '../testing/sample-project';

const tmp = useTmp();

const project = () => initSampleProject(tmp());

const dataset = (over: { bbox?: string; name?: string }) =>
  `{"images":[{"id":1,"file_name":"chelsea.png","width":451,"height":300}],` +
  `"categories":[{"id":1,"name":${JSON.stringify(over.name ?? 'cat')}}],` +
  `"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":${over.bbox ?? '[1,2,3,4]'}}]}`;

describe('honest COCO import errors', () => {
  it('a missing COCO file is bad input (exit 3), named', () => {
    const { d, images, p } = project();
    const r = runCli(['import', 'coco', p, join(d, 'nope.json'), '--images', images]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/No COCO file at .*nope\.json/);
  });

  it('a bbox of 1e999 is named as Infinity at its JSON path', () => {
    const { d, images, p } = project();
    writeFileSync(join(d, 'inf.json'), dataset({ bbox: '[1e999, 2, 3, 4]' }));
    const r = runCli(['--json', 'import', 'coco', p, join(d, 'inf.json'), '--images', images]);
    expect(r.code).toBe(3);
    expect(JSON.stringify(r.json ?? r.stderr)).toMatch(/annotations\[0\]\.bbox(\[0\])?: expected a finite number, got Infinity/);
  });

  it('a 1 MB category name is refused at its JSON path with the limit', () => {
    const { d, images, p } = project();
    writeFileSync(join(d, 'long.json'), dataset({ name: 'x'.repeat(1 << 20) }));
    const r = runCli(['import', 'coco', p, join(d, 'long.json'), '--images', images]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/categories\[0\]\.name: too long: 1048576 characters, the limit is 200/);
  });
});
