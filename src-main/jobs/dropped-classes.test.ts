/**
 * A closed-set pack (Pix2seq) finds classes that no category asks for: the job drops them and
 * counts them per class, once per image, whether it ran locally, was shown later, or came
 * back from shards merged (twice) into the project.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/cli';
import { useTmp } from '../testing/tmp';
import { BLUE, plantedImage, RED } from '../testing/planted-images';

const tmp = useTmp();
const GREEN = { r: 0, g: 200, b: 0 };

/** Three images: red + green, blue + green, red alone; the project has only `red`. */
async function project(): Promise<{ d: string; p: string; img: string }> {
  const d = tmp();
  const img = join(d, 'img');
  mkdirSync(img);
  writeFileSync(join(img, 'a.png'), await plantedImage(320, 240, [{ x: 20, y: 30, w: 90, h: 80, colour: RED }, { x: 180, y: 100, w: 100, h: 90, colour: GREEN }]));
  writeFileSync(join(img, 'b.png'), await plantedImage(241, 333, [{ x: 10, y: 20, w: 80, h: 90, colour: BLUE }, { x: 120, y: 200, w: 100, h: 100, colour: GREEN }]));
  writeFileSync(join(img, 'c.png'), await plantedImage(300, 200, [{ x: 100, y: 50, w: 120, h: 100, colour: RED }]));
  const p = join(d, 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  expect(runCli(['add', p, img]).code).toBe(0);
  expect(runCli(['categories', p, 'add', 'red']).code).toBe(0);
  return { d, p, img };
}

describe('classes that match no category', () => {
  it('prelabel drops them and its summary counts them per class; jobs show says the same', async () => {
    const { p } = await project();
    const human = runCli(['prelabel', p, '--pack', 'pix2seq-fixture']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('Dropped 3 detection(s) of classes no category matches: green ×2, blue ×1');

    const shown = runCli(['jobs', 'show', p, '1']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('green ×2, blue ×1');
    const json = runCli(['--json', 'jobs', 'show', p, '1']);
    expect(json.json).toMatchObject({ done: 3, droppedClasses: { green: 2, blue: 1 } });
    // Only the red squares became annotations.
    const list = runCli(['--json', 'jobs', p]);
    expect(list.json[0].droppedClasses).toEqual({ green: 2, blue: 1 });
  }, 120_000);

  it('a job with nothing dropped says nothing about it', async () => {
    const { p } = await project();
    expect(runCli(['categories', p, 'add', 'green,blue']).code).toBe(0);
    const r = runCli(['prelabel', p, '--pack', 'pix2seq-fixture']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('Dropped');
    expect(runCli(['--json', 'jobs', 'show', p, '1']).json.droppedClasses).toEqual({});
  }, 120_000);

  it('through bundle → work → merge (merged twice), each image counts once', async () => {
    const { d, p, img } = await project();
    const bundle = join(d, 'bundle');
    const made = runCli(['bundle', p, '--pack', 'pix2seq-fixture', '--shards', '2', '--out', bundle]);
    expect(made.code, made.stderr).toBe(0);
    for (const s of ['0', '1']) {
      const w = runCli(['work', bundle, '--shard', s, '--images-root', img]);
      expect(w.code, w.stderr).toBe(0);
    }
    for (let i = 0; i < 2; i++) {
      const m = runCli(['--json', 'merge', p, bundle]);
      expect(m.code, m.stderr).toBe(0);
    }
    const json = runCli(['--json', 'jobs', 'show', p, '1']);
    expect(json.json).toMatchObject({ state: 'done', done: 3, packs: ['pix2seq-fixture'], droppedClasses: { green: 2, blue: 1 } });
  }, 180_000);
});
