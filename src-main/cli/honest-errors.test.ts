/** Issue 10 items 12 and 13: errors that say what is wrong, and user text printed safely. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';

const tmp = useTmp();

function project() {
  const d = tmp();
  const p = join(d, 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  return { d, p };
}

describe('honest errors and safe output', () => {
  it('a category name over the limit names the field, its length and the limit', () => {
    const { p } = project();
    const r = runCli(['categories', p, 'add', 'x'.repeat(100_000)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: Invalid category name: too long: 100000 characters, the limit is 200');
  });

  it('escapes control characters (ANSI escapes) in names and paths when printing them', async () => {
    const { d, p } = project();
    const evil = 'red\x1b[2J\x1b[31mX\x07';
    const added = runCli(['categories', p, 'add', evil]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Added 1 red\\x1b[2J\\x1b[31mX\\x07 (');
    const list = runCli(['categories', p, 'list']);
    expect(list.stdout).toContain('red\\x1b[2J\\x1b[31mX\\x07');
    const stats = runCli(['stats', p]);
    for (const out of [added.stdout, list.stdout, stats.stdout]) expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/); // eslint-disable-line no-control-regex

    const folder = join(d, 'ph\x1b[1motos');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a\x1b]0;pwned\x07.jpg'), 'not an image');
    const add = runCli(['add', p, folder]);
    expect(add.code).toBe(3);
    expect(add.stdout).toContain('ph\\x1b[1motos/a\\x1b]0;pwned\\x07.jpg: not an image');
    expect(add.stdout + add.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/); // eslint-disable-line no-control-regex
    // JSON output stays exact (JSON escapes control characters itself).
    const json = runCli(['--json', 'categories', p, 'list']);
    expect(json.json[0].name).toBe(evil);
  });

  it('a text file named .jpg is "not an image" with what it starts with', () => {
    const { d, p } = project();
    const dir = join(d, 'in');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.jpg'), 'Dear diary, today I named a text file .jpg\n');
    writeFileSync(join(dir, 'program.png'), Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(57)])); // an ELF binary's start
    const r = runCli(['--json', 'add', p, dir]);
    expect(r.code).toBe(3);
    expect(r.json.failed).toEqual([
      { path: join(dir, 'notes.jpg'), reason: 'not an image: it starts with "Dear diary, toda", not a JPEG, PNG, WebP, BMP or TIFF signature' },
      { path: join(dir, 'program.png'), reason: 'not an image: it starts with bytes 7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00, not a JPEG, PNG, WebP, BMP or TIFF signature' },
    ]);
  });

  it('a 20000×1 PNG is added at its size; pre-labelling it names its real size', async () => {
    const { d, p } = project();
    const dir = join(d, 'in');
    mkdirSync(dir);
    writeFileSync(join(dir, 'strip.png'), await sharp({ create: { width: 20000, height: 1, channels: 3, background: '#808080' } }).png().toBuffer());
    const add = runCli(['--json', 'add', p, dir]);
    expect(add.code, add.stdout).toBe(0);
    expect(add.json).toMatchObject({ added: 1, failed: [] });
    expect(runCli(['categories', p, 'add', 'red']).code).toBe(0);
    const r = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture']);
    expect(r.json, r.stderr).toMatchObject({ failed: 1 });
    expect(r.json.failures[0].error).toContain(`${join(dir, 'strip.png')} is 20000×1: scaled for the model it would be`);
    expect(r.json.failures[0].error).not.toContain('is 16000000×800 (');
  });
});
