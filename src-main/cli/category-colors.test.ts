/**
 * A category named after a colour is drawn in that colour (a "blue" category with a red
 * swatch reads as a bug), chosen once at creation; any other name keeps its palette entry.
 * Expectations are worked by hand from colour science, not read from the implementation:
 * a hue range per colour name, and near-white/near-black (never pure) for white and black.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli';
import { plantedImage, RED } from '../testing/planted-images';
import { useTmp } from '../testing/tmp';

const tmp = useTmp();

/** Hue in degrees, saturation and lightness (HSL) of '#rrggbb'. */
function hsl(hex: string): { h: number; s: number; l: number } {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0, l };
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { h: h * 60, s, l };
}

type Cat = { id: number; name: string; color: string };

describe('category colours follow colour names', () => {
  it('a colour name (whole name, first word or any word) gives that colour; other names keep the palette', () => {
    const p = join(tmp(), 'c.lw');
    expect(runCli(['init', p]).code).toBe(0);
    const add = runCli(['--json', 'categories', p, 'add', 'person,blue,Dark-Red car,Sky (Green),bluebird,White,black,grey']);
    expect(add.code, add.stderr).toBe(0);
    const list = runCli(['--json', 'categories', p, 'list']).json as Cat[];
    const color = (name: string) => list.find((c) => c.name === name)!.color;

    // Not colour names: the stable palette, entry n for id n (#e6194b and #911eb4 are entries 1 and 5).
    expect(color('person')).toBe('#e6194b');
    expect(color('bluebird')).toBe('#911eb4');

    // The hand-worked palette would have given 'blue' (id 2) green #3cb44b: now it is blue.
    const blue = hsl(color('blue'));
    expect(blue.h).toBeGreaterThanOrEqual(200);
    expect(blue.h).toBeLessThanOrEqual(250);
    expect(blue.s).toBeGreaterThan(0.5);
    const red = hsl(color('Dark-Red car'));
    expect(red.h < 15 || red.h > 345, color('Dark-Red car')).toBe(true);
    expect(red.s).toBeGreaterThan(0.5);
    const green = hsl(color('Sky (Green)'));
    expect(green.h).toBeGreaterThanOrEqual(90);
    expect(green.h).toBeLessThanOrEqual(160);

    // White and black: near the extreme but never pure, so the outline shows on a white sky or a black shadow.
    const white = hsl(color('White'));
    expect(white.l).toBeGreaterThan(0.9);
    expect(color('White')).not.toBe('#ffffff');
    const black = hsl(color('black'));
    expect(black.l).toBeLessThan(0.2);
    expect(color('black')).not.toBe('#000000');
    const grey = hsl(color('grey'));
    expect(grey.s).toBeLessThan(0.15);
    expect(grey.l).toBeGreaterThan(0.35);
    expect(grey.l).toBeLessThan(0.65);
  });

  it('more colour words land in their hue: yellow, orange, purple, pink, brown, cyan, magenta', () => {
    const p = join(tmp(), 'c.lw');
    runCli(['init', p]);
    const names = ['yellow', 'orange', 'purple', 'pink', 'brown', 'cyan', 'magenta'];
    const r = runCli(['--json', 'categories', p, 'add', names.join(',')]);
    expect(r.code, r.stderr).toBe(0);
    const byName = new Map((r.json as Cat[]).map((c) => [c.name, hsl(c.color)]));
    const within = (name: string, lo: number, hi: number) => {
      const c = byName.get(name)!;
      expect(c.h, name).toBeGreaterThanOrEqual(lo);
      expect(c.h, name).toBeLessThanOrEqual(hi);
    };
    within('yellow', 45, 65);
    within('orange', 15, 40);
    within('purple', 260, 290);
    within('pink', 300, 350);
    within('cyan', 175, 200);
    within('magenta', 280, 320);
    // Brown is a dark orange: orange's hue, but darker.
    within('brown', 10, 40);
    expect(byName.get('brown')!.l).toBeLessThan(byName.get('orange')!.l - 0.1);
    // Seven names, seven different colours.
    expect(new Set((r.json as Cat[]).map((c) => c.color)).size).toBe(7);
  });

  it('only at creation: renaming keeps the colour, and an explicit --color wins', () => {
    const p = join(tmp(), 'c.lw');
    runCli(['init', p]);
    runCli(['categories', p, 'add', 'car']);
    const renamed = runCli(['--json', 'categories', p, 'rename', 'car', 'blue']);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.json.color).toBe('#e6194b');
    const own = runCli(['--json', 'categories', p, 'add', 'red', '--color', '#123456']);
    expect(own.code, own.stderr).toBe(0);
    expect(own.json[0].color).toBe('#123456');
    // Listing twice reads the stored colours; nothing is recomputed on read.
    expect(runCli(['--json', 'categories', p, 'list']).json.map((c: Cat) => c.color)).toEqual(['#e6194b', '#123456']);
  });

  it('`predict --out` draws a box of category "red" in red (the palette alone gave category 2 green)', async () => {
    const d = tmp();
    const img = join(d, 'red.png');
    writeFileSync(img, await plantedImage(300, 200, [{ x: 100, y: 60, w: 80, h: 70, colour: RED }]));
    const out = join(d, 'overlay.png');
    const r = runCli(['--json', 'predict', 'glip-fixture', img, '--categories', 'blue,red', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.detections.map((x: { categoryId: number }) => x.categoryId)).toEqual([2]);
    // The box's left edge runs along x = 100 on grey background: the pixel just outside the red square is the stroke's.
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number) => {
      const i = (y * info.width + x) * info.channels;
      return `#${[0, 1, 2].map((k) => data[i + k].toString(16).padStart(2, '0')).join('')}`;
    };
    expect(at(20, 20)).toBe('#808080'); // the background, untouched
    const stroke = hsl(at(99, 95));
    expect(stroke.h < 15 || stroke.h > 345, at(99, 95)).toBe(true);
    expect(stroke.s).toBeGreaterThan(0.5);
  });
});
