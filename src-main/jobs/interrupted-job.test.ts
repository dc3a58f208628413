/**
 * A job whose workers were all killed never wrote its state: its row still says `running`.
 * Reading it (`labelwright jobs`, `jobs show`, the app's jobs.list) says it is interrupted
 * instead, by the claim rules (claims.ts): the owner's process is gone on this host, or its
 * heartbeat is older than the stale limit. Reading writes nothing; running the same command
 * resumes the job.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppSession } from '../app/session';
import { createRpcServer } from '../transports/rpc-server';
import { RpcClient, createMemoryTransportPair } from '../shared/rpc';
import { ProjectService } from '../services/project-service';
import { REPO_ROOT, runCli } from '../testing/cli';
import { jobProject, queryProject } from '../testing/job-projects';
import { useTmp } from '../testing/tmp';
import { createJobService } from './index';
import { LocalJobService } from './local-job-service';
import { claimNext } from './claims';
import { planJob } from './plan-job';
import { thisWorker } from './worker-identity';

const tmp = useTmp();
const BIN = join(REPO_ROOT, 'bin', 'labelwright.js');
/** Enough that the job is far from done when it is killed, on a loaded machine too. */
const IMAGES = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const row = (p: string) => queryProject<{ state: string; error: string | null }>(p, `SELECT state, error FROM jobs WHERE id = 1`);
const held = (p: string) => queryProject<{ n: number }>(p, `SELECT count(*) AS n FROM job_items WHERE owner IS NOT NULL`).n;
const settled = (p: string) => queryProject<{ n: number }>(p, `SELECT count(*) AS n FROM job_items WHERE state != 'pending'`).n;

describe('a job whose workers were killed reads as interrupted', () => {
  it('SIGKILL the prelabel process group: jobs and jobs show say paused with why, the row is untouched, the same command resumes', async () => {
    const d = tmp();
    const p = await jobProject(d, IMAGES);
    const child = spawn(process.execPath, [BIN, '--json', 'prelabel', p, '--pack', 'glip-fixture'], { stdio: 'ignore', detached: true });
    const exited = new Promise((r) => child.on('close', r));
    try {
      // Killed mid-job: some images done, claims held by the live worker.
      for (let i = 0; i < 600 && !(settled(p) >= 2 && held(p) > 0); i++) await sleep(50);
      expect(settled(p)).toBeLessThan(IMAGES);
      expect(held(p)).toBeGreaterThan(0);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
    await exited;
    expect(row(p)).toEqual({ state: 'running', error: null });

    // The owner's pid is gone on this host: no stale wait needed.
    const list = runCli(['--json', 'jobs', p]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.json).toHaveLength(1);
    expect(list.json[0]).toMatchObject({ jobId: 1, state: 'paused', error: 'its workers stopped (killed?); run the same command to resume' });
    const text = runCli(['jobs', p]);
    expect(text.stdout).toMatch(/^\s*1\s+prelabel\s+paused\b/m);
    expect(text.stdout).toMatch(/^job 1: its workers stopped \(killed\?\); run the same command to resume$/m);
    const show = runCli(['jobs', 'show', p, '1']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^Job 1, pre-labeling \(glip-fixture\): paused \(its workers stopped \(killed\?\); run the same command to resume\)/);
    // A read path: the row and the dead worker's claims are as the kill left them.
    expect(row(p)).toEqual({ state: 'running', error: null });
    expect(held(p)).toBeGreaterThan(0);

    const again = runCli(['--json', 'prelabel', p, '--pack', 'glip-fixture']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ jobId: 1, state: 'done', done: IMAGES });
    expect(runCli(['--json', 'jobs', p]).json[0]).toMatchObject({ state: 'done', error: null });
  }, 180_000);

  it('the stale rule for a worker on another host, and jobs.list over RPC for a live and a dead worker of this host', async () => {
    const d = tmp();
    const p = await jobProject(d, 3);
    const svc = ProjectService.open(p);
    let jobId: number;
    const reclaimAll = () => svc.pdb.db.prepare(`UPDATE job_items SET owner = NULL, owner_host = NULL, owner_pid = NULL, owner_started = NULL, heartbeat_at = NULL`).run();
    try {
      ({ jobId } = await planJob(svc, { packs: ['glip-fixture'], target: { kind: 'unlabeled' } }));
      svc.pdb.db.prepare(`UPDATE jobs SET state = 'running' WHERE id = ?`).run(jobId);
      // A worker on another machine: its liveness cannot be checked from here, only its heartbeat.
      expect(claimNext(svc.pdb, jobId, { id: 'elsewhere:42:x', host: 'another-host', pid: 42, started: null })).not.toBeNull();
      expect(new LocalJobService(svc, { staleMs: 60_000 }).list()[0]).toMatchObject({ state: 'running', error: null });
      await sleep(30);
      expect(new LocalJobService(svc, { staleMs: 20 }).list()[0]).toMatchObject({ state: 'paused', error: expect.stringMatching(/workers stopped/) });
      // This process, alive, holds the claim now.
      reclaimAll();
      expect(claimNext(svc.pdb, jobId, thisWorker())).not.toBeNull();
    } finally {
      svc.close();
    }

    const session = new AppSession({ shell: 'browser', imageUrl: '', thumbnailUrl: '', userDataDir: join(d, 'ud'), jobs: createJobService });
    const server = createRpcServer(session.handlers());
    session.bind(server);
    const [serverSide, clientSide] = createMemoryTransportPair();
    server.attach(serverSide);
    const client = new RpcClient(clientSide, { timeoutMs: 10_000 });
    try {
      await client.call('project.open', { path: p });
      expect(await client.call('jobs.list', {})).toEqual([expect.objectContaining({ jobId, state: 'running', error: null })]);
      // The claim's owner is a process of this host that has exited: interrupted at once.
      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      const w = ProjectService.open(p);
      try {
        w.pdb.db.prepare(`UPDATE job_items SET owner = 'gone', owner_pid = ? WHERE owner IS NOT NULL`).run(gone);
      } finally {
        w.close();
      }
      expect(await client.call('jobs.list', {})).toEqual([
        expect.objectContaining({ jobId, state: 'paused', error: 'its workers stopped (killed?); run the same command to resume' }),
      ]);
      expect(row(p)).toEqual({ state: 'running', error: null });
    } finally {
      client.close();
      await session.close();
    }
  }, 120_000);
});
