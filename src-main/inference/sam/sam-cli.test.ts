/** SAM through the CLI binary: `predict <sam pack> <image> --point … --box …` on the fixture pack, and bad prompts. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rleFromBbox, rleIou } from '../../shared/masks';
import { runCli } from '../../testing/cli';
import { plantedImage, RED } from '../../testing/planted-images';
import { useTmp } from '../../testing/tmp';

const tmp = useTmp();
const WHITE = { r: 255, g: 255, b: 255 };

describe('labelwright predict with a sam pack', () => {
  it('prints the mask of a clicked square, takes negative clicks and a box, and writes the RLE with --json', async () => {
    const d = tmp();
    const f = join(d, 'two.png');
    const a = [60, 80, 128, 128];
    const b = [400, 150, 128, 128];
    writeFileSync(f, await plantedImage(640, 427, [a, b].map(([x, y, w, h]) => ({ x, y, w, h, colour: RED })), { bg: WHITE }));

    const one = runCli(['--json', 'predict', 'sam-fixture', f, '--point', '124,144', '--point', '464,214,0']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.json).toMatchObject({ pack: 'sam-fixture', kind: 'sam', width: 640, height: 427 });
    expect(one.json.prompt.points).toEqual([
      { x: 124, y: 144, label: 1 },
      { x: 464, y: 214, label: 0 },
    ]);
    expect(rleIou(one.json.rle, rleFromBbox(a, 427, 640))).toBeGreaterThanOrEqual(0.95);
    expect(one.json.area).toBeGreaterThan(0.9 * 128 * 128);

    const boxed = runCli(['--json', 'predict', 'sam-fixture', f, '--box', '395,145,140,140']);
    expect(boxed.code, boxed.stderr).toBe(0);
    expect(rleIou(boxed.json.rle, rleFromBbox(b, 427, 640))).toBeGreaterThanOrEqual(0.95);

    const out = join(d, 'overlay.png');
    const text = runCli(['predict', 'sam-fixture', f, '--point', '124,144', '--out', out]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/sam-fixture \(sam, fixture\) ran on CPU/);
    expect(text.stdout).toMatch(/640×427: mask of \d+ pixels, score 0\.970/);
    expect(text.stdout).toMatch(/bbox x, y, w, h: /);
    expect(existsSync(out)).toBe(true);
  }, 120_000);

  it('refuses a click outside the image, malformed points and boxes, and categories with prompts', async () => {
    const d = tmp();
    const f = join(d, 'a.png');
    writeFileSync(f, await plantedImage(200, 100, [], { bg: WHITE }));
    const outside = runCli(['predict', 'sam-fixture', f, '--point', '250,10']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('The point (250, 10) is outside the 200×100 image');
    const bad = runCli(['predict', 'sam-fixture', f, '--point', '1,2,5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the label 5 is not 1 (add) or 0 (remove)');
    expect(runCli(['predict', 'sam-fixture', f, '--box', '1,2,3']).stderr).toContain('--box 1,2,3 is not x,y,w,h');
    expect(runCli(['predict', 'sam-fixture', f, '--point', '1,2', '--categories', 'red']).stderr).toContain('do not go with --categories');
    const noPrompt = runCli(['predict', 'sam-fixture', f, '--categories', 'red']);
    expect(noPrompt.code).toBe(2);
    expect(noPrompt.stderr).toContain('is a SAM pack');
  }, 120_000);
});
