import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';
import { plantedImage, RED, BLUE } from '../testing/planted-images';
import { writeBmp } from '../testing/write-image';

const tmp = useTmp();

describe('pre-labeling checks each image file before using it (issue 10 item 5)', () => {
  it('fails an image whose content changed at the same size with its reason, and labels the others', async () => {
    const d = tmp();
    const dir = join(d, 'img');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 4; i++)
      writeFileSync(join(dir, `img${i}.png`), await plantedImage(96, 72, [{ x: 8 + i * 9, y: 10, w: 24, h: 20, colour: i % 2 ? RED : BLUE }]));
    writeBmp(join(dir, 'z.bmp'), 96, 72);
    const p = join(d, 'p.lw');
    expect(runCli(['init', p]).code).toBe(0);
    expect(runCli(['add', p, dir]).code).toBe(0);
    expect(runCli(['categories', p, 'add', 'red,blue']).code).toBe(0);

    // Edited in place after it was added: same width and height, same byte count, other pixels.
    const bmp = join(dir, 'z.bmp');
    const bytes = readFileSync(bmp);
    const { mtime } = statSync(bmp);
    for (let i = 54; i < bytes.length; i++) bytes[i] = 255 - bytes[i];
    writeFileSync(bmp, bytes);
    utimesSync(bmp, mtime, new Date(mtime.getTime() + 5000));
    // Another one swapped for a different picture of the same size.
    const swapped = join(dir, 'img1.png');
    writeFileSync(swapped, await plantedImage(96, 72, [{ x: 50, y: 40, w: 30, h: 20, colour: RED }]));

    const r = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture']);
    expect(r.json, r.stderr).toMatchObject({ state: 'done', done: 3, failed: 2 });
    expect(r.json.failures.map((f: { path: string }) => f.path).sort()).toEqual([swapped, bmp].sort());
    for (const f of r.json.failures) expect(f.error).toContain(`changed on disk since it was added: ${f.path}`);
  }, 120_000);
});
