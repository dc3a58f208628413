import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../testing/cli';
import { useTmp } from '../../testing/tmp';
import { plantedImage, RED } from '../../testing/planted-images';

const tmp = useTmp();

function jobCount(project: string): number {
  const r = runCli(['--json', 'jobs', project]);
  expect(r.code, r.stderr).toBe(0);
  return (r.json as unknown[]).length;
}

describe('labelwright bundle --out', () => {
  it('refuses a folder holding another job’s bundle before it creates a job', async () => {
    const d = tmp();
    mkdirSync(join(d, 'img'));
    writeFileSync(join(d, 'img', 'a.png'), await plantedImage(32, 24, [{ x: 2, y: 2, w: 10, h: 10, colour: RED }]));
    const p = join(d, 'p.lw');
    for (const args of [['init', p], ['add', p, join(d, 'img')], ['categories', p, 'add', 'red']]) expect(runCli(args).code).toBe(0);
    const out = join(d, 'bundle');
    const first = runCli(['bundle', p, '--pack', 'glip-fixture', '--shards', '2', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(jobCount(p)).toBe(1);

    // Another request (another threshold, so another signature) into the same folder.
    const other = runCli(['bundle', p, '--pack', 'glip-fixture', '--threshold', '0.3', '--shards', '2', '--out', out]);
    expect(other.code).toBe(4);
    expect(other.stderr).toContain(`error: ${out} already holds the bundle of another job (job 1, 2 shard(s))`);
    expect(other.stderr).toContain('hint: Pass an empty or new folder to --out.');
    expect(jobCount(p), 'the refused bundle left no job behind').toBe(1);

    // The same command again keeps the bundle and the job as they are.
    const again = runCli(['--json', 'bundle', p, '--pack', 'glip-fixture', '--shards', '2', '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ jobId: 1, existing: true, resumed: true });
    expect(jobCount(p)).toBe(1);
  });

  it('reads the job flags as prelabel does: the same refusals, with nothing written', () => {
    const d = tmp();
    const p = join(d, 'p.lw');
    expect(runCli(['init', p]).code).toBe(0);
    const out = join(d, 'bundle');
    const refusals: [string[], string][] = [
      [['--categories', 'red', '--from-project'], 'error: Use either --categories or --from-project, not both'],
      [['--threshold', '2'], 'error: --threshold must be a number in [0, 1], got "2"'],
      [['--categories', ' , '], 'error: --categories is empty'],
    ];
    for (const [flags, message] of refusals)
      for (const command of [['prelabel', p], ['bundle', p, '--shards', '2', '--out', out]]) {
        const r = runCli([...command, '--pack', 'glip-fixture', ...flags]);
        expect(r.code, `${command[0]} ${flags.join(' ')}`).toBe(2);
        expect(r.stderr).toContain(message);
      }
    expect(jobCount(p)).toBe(0);
    expect(runCli(['--json', 'categories', p, 'list']).json).toEqual([]);
  });
});
