import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../testing/cli';
import { useTmp } from '../../testing/tmp';
import { writeImage } from '../../testing/write-image';
import { AppSession } from '../../app/session';
import { createJobService } from '../../jobs';
import { createRpcServer } from '../../transports/rpc-server';
import { RpcClient, createMemoryTransportPair } from '../../shared/rpc';

const tmp = useTmp();

/** Three images, one damaged after it was added, pre-labelled with the fixture pack. */
async function jobWithACorruptImage() {
  const d = tmp();
  const img = join(d, 'img');
  mkdirSync(img);
  for (const [i, n] of ['one', 'two', 'three'].entries()) await writeImage(join(img, `${n}.png`), 64, 48, { seed: i + 1 });
  const p = join(d, 'p.lw');
  expect(runCli(['init', p]).code).toBe(0);
  expect(runCli(['add', p, img]).code).toBe(0);
  expect(runCli(['categories', p, 'add', 'red,blue']).code).toBe(0);
  writeFileSync(join(img, 'two.png'), 'this used to be a PNG');
  const r = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture']);
  expect(r.json).toMatchObject({ done: 2, failed: 1 });
  return { d, p, jobId: r.json.jobId as number };
}

describe('failed job items are listed with their reasons (defect 6)', () => {
  it('`labelwright jobs show` prints the counts and each failed image with its reason; --json the same', async () => {
    const { p, jobId } = await jobWithACorruptImage();
    const r = runCli(['jobs', 'show', p, String(jobId)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/3 image\(s\): 2 done, 1 failed, 0 skipped, 0 pending/);
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith('two.png:'));
    expect(line, r.stdout).toBeDefined();
    expect(line!.length).toBeGreaterThan('  two.png: '.length + 5); // a reason follows the name
    expect(r.stdout).not.toMatch(/^\s+(one|three)\.png:/m);

    const j = runCli(['--json', 'jobs', 'show', p, String(jobId)]);
    expect(j.code, j.stderr).toBe(0);
    expect(j.json).toMatchObject({ jobId, total: 3, done: 2, failed: 1 });
    expect(j.json.failedItems).toEqual([{ imageId: expect.any(Number), name: 'two.png', state: 'failed', error: expect.any(String) }]);
    expect(line).toContain(j.json.failedItems[0].error);

    const bad = runCli(['jobs', 'show', p, '99']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/No job 99/);
  }, 120_000);

  it('jobs.items over RPC lists the failed image by name with the reason', async () => {
    const { d, p, jobId } = await jobWithACorruptImage();
    const session = new AppSession({ shell: 'browser', imageUrl: '', thumbnailUrl: '', userDataDir: join(d, 'ud'), jobs: createJobService });
    const server = createRpcServer(session.handlers());
    session.bind(server);
    const [serverSide, clientSide] = createMemoryTransportPair();
    server.attach(serverSide);
    const client = new RpcClient(clientSide, { timeoutMs: 10_000 });
    try {
      await client.call('project.open', { path: p });
      const failed = await client.call('jobs.items', { jobId });
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ name: 'two.png', state: 'failed' });
      expect(failed[0].error).toMatch(/decode|unsupported|corrupt|truncat|Input|image/i);
      const done = await client.call('jobs.items', { jobId, state: 'done' });
      expect(done.map((x) => x.name)).toEqual(['one.png', 'three.png']);
      await expect(client.call('jobs.items', { jobId: 99 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      client.close();
      await session.close();
    }
  }, 120_000);
});
