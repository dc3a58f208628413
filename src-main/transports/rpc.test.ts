import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LwError } from '../shared/errors';
import type { Result } from '../shared/api';
import { useTmp } from '../testing/tmp';
import { writeImage } from '../testing/write-image';
import { AppSession } from '../app/session';
import type { JobServiceFactory } from '../jobs/job-service';
import { createRpcServer, type Handlers } from './rpc-server';
import { RpcClient, createMemoryTransportPair } from '../shared/rpc';

const tmp = useTmp();

function connect(handlers: Handlers) {
  const logged: unknown[] = [];
  const server = createRpcServer(handlers, { logError: (_m, e) => logged.push(e) });
  const [serverSide, clientSide] = createMemoryTransportPair();
  server.attach(serverSide);
  const client = new RpcClient(clientSide, { timeoutMs: 5000 });
  return { server, client, logged };
}

const info: Result<'session.info'> = {
  project: null,
  imageUrl: '/images/{id}',
  thumbnailUrl: '/thumbs/{id}',
  executionProvider: { provider: 'cpu', reason: null },
  recent: [],
};

describe('RPC server', () => {
  it('answers malformed JSON, malformed messages, unknown methods and bad params with validation errors, and keeps serving', async () => {
    const { server, client } = connect({ 'session.info': () => info });
    const bad = await server.handle('{"type":"request", "id": 1, ');
    expect(bad).toMatchObject({ type: 'response', id: -1, ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/not valid JSON/) } });

    const noMethod = await client.rawResponse({ type: 'request', id: 7, params: {} });
    expect(noMethod).toMatchObject({ id: 7, ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/Malformed RPC message: method/) } });

    expect(await client.rawResponse({ type: 'request', id: 8, method: 'nope.nothing', params: {} })).toMatchObject({
      id: 8,
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: 'Unknown method "nope.nothing"' },
    });
    expect(await client.rawResponse({ type: 'request', id: 9, method: 'toString', params: {} })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });

    const badParams = await client.rawResponse({ type: 'request', id: 10, method: 'images.query', params: { limit: 0, sort: 'random' } });
    expect(badParams.ok).toBe(false);
    if (!badParams.ok) {
      expect(badParams.error.code).toBe('INVALID_ARGUMENT');
      expect(badParams.error.message).toMatch(/Invalid params for images\.query: .*sort: .*limit: /);
      expect(badParams.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'limit' }), expect.objectContaining({ path: 'sort' })]));
    }
    // unknown keys in strict params are named too
    await expect(client.call('session.info', { extra: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/extra/) });

    expect(await client.call('session.info', {})).toEqual(info);
  });

  it('maps LwError to its payload and other errors to INTERNAL without leaking the stack', async () => {
    const { client, logged } = connect({
      'images.get': ({ id }) => {
        if (id === 1) throw new LwError('NOT_FOUND', 'No image with id 1', 'Pick another');
        throw new Error('secret /home/me/stack detail');
      },
    });
    await expect(client.call('images.get', { id: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No image with id 1', hint: 'Pick another' });
    const r = await client.rawResponse({ type: 'request', id: 99, method: 'images.get', params: { id: 2 } });
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'images.get failed unexpectedly' } });
    expect(JSON.stringify(r)).not.toMatch(/secret|stack|\.ts:/);
    expect(logged).toHaveLength(1);
  });

  it('fails a call whose result carries fields the contract does not name, or misses required ones', async () => {
    const { client } = connect({
      'session.info': () => ({ ...info, password: 'x' }) as never,
      'images.nextUnreviewed': () => ({}) as never,
    });
    await expect(client.call('session.info', {})).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/password/) });
    await expect(client.call('images.nextUnreviewed', { after: 1 })).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('answers methods without a handler with a clear error, and delivers events', async () => {
    const { server, client } = connect({});
    await expect(client.call('project.stats', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'project.stats is not available in this build' });
    const got: unknown[] = [];
    client.on('images.changed', (p) => got.push(p));
    server.emit('images.changed', { ids: [3] });
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([{ ids: [3] }]);
  });
});

describe('AppSession over RPC', () => {
  it('creates a project, applies changes, and says jobs are not available without a job service', async () => {
    const dir = tmp();
    const session = new AppSession({ shell: 'browser', imageUrl: '/images/{id}', thumbnailUrl: '/thumbs/{id}', userDataDir: join(dir, 'ud') });
    const { server, client } = connect(session.handlers());
    session.bind(server);
    await expect(client.call('images.query', {})).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No project is open' });
    const changed: unknown[] = [];
    client.on('session.changed', (s) => changed.push(s));
    const s = await client.call('project.create', { path: join(dir, 'proj') });
    expect(s.project).toEqual({ path: join(dir, 'proj.lw'), name: 'proj' });
    expect(s.recent).toEqual([join(dir, 'proj.lw')]);
    await expect(client.call('project.create', { path: join(dir, 'proj.lw') })).rejects.toMatchObject({ code: 'CONFLICT' });

    const cat = await client.call('categories.add', { name: 'red', hotkey: '1' });
    expect(cat).toMatchObject({ name: 'red', hotkey: '1' });
    const renamed = await client.call('categories.update', { id: cat.id, name: 'crimson', patch: { threshold: 0.4 } });
    expect(renamed).toMatchObject({ name: 'crimson', prompt: 'crimson', threshold: 0.4 });
    expect(await client.call('categories.list', {})).toEqual([expect.objectContaining({ id: cat.id, annotations: 0, images: 0 })]);

    await expect(client.call('jobs.list', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'bulk jobs are not available in this build' });
    expect(await client.call('report.corrections', {})).toEqual([expect.objectContaining({ name: 'crimson', predictions: 0 })]);
    expect(await client.call('export.preview', {})).toEqual({
      images: 0,
      annotations: 0,
      categories: 1,
      reviewedWithPending: 0,
      reviewedWithPendingNote: null,
    });
    await expect(client.call('dialog.pick', { purpose: 'openProject' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    // a second session (new app start) sees the recent list
    const again = new AppSession({ shell: 'browser', imageUrl: '', thumbnailUrl: '', userDataDir: join(dir, 'ud') });
    expect(again.info().recent).toEqual([join(dir, 'proj.lw')]);
    await session.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(changed).toHaveLength(1);
  });

  it('adds a folder with progress events, then queries, edits and exports through RPC', async () => {
    const dir = tmp();
    for (let i = 0; i < 3; i++) await writeImage(join(dir, 'imgs', `im${i}.png`), 40, 30, { seed: i });
    const session = new AppSession({ shell: 'browser', imageUrl: '/images/{id}', thumbnailUrl: '/thumbs/{id}', userDataDir: join(dir, 'ud') });
    const { server, client } = connect(session.handlers());
    session.bind(server);
    await client.call('project.create', { path: join(dir, 'p.lw') });
    const progress: { done: number; total: number }[] = [];
    const changed: unknown[] = [];
    client.on('project.addProgress', (p) => progress.push(p));
    client.on('images.changed', (p) => changed.push(p));
    expect(await client.call('project.addFolder', { folder: join(dir, 'imgs') })).toMatchObject({ scanned: 3, added: 3 });
    await new Promise((r) => setTimeout(r, 10));
    expect(progress.at(-1)).toMatchObject({ done: 3, total: 3 });
    const page = await client.call('images.query', { limit: 2 });
    expect(page).toMatchObject({ total: 3, items: [{ name: 'im0.png', status: 'unlabeled', topScore: null }, { name: 'im1.png' }] });
    const red = await client.call('categories.add', { name: 'red' });
    const id = page.items[0].id;
    const r = await client.call('annotations.apply', { imageId: id, changes: [{ op: 'create', categoryId: red.id, bbox: [1, 2, 10, 10] }] });
    expect(r).toMatchObject({ status: 'in_progress', created: [expect.any(Number)] });
    expect(await client.call('images.setStatus', { id, status: 'reviewed' })).toEqual({ status: 'reviewed', accepted: 0, rejected: 0 });
    expect(await client.call('images.nextUnreviewed', { after: id })).toEqual({ id: page.items[1].id });
    expect(await client.call('export.preview', { reviewedOnly: true })).toEqual({
      images: 1,
      annotations: 1,
      categories: 1,
      reviewedWithPending: 0,
      reviewedWithPendingNote: null,
    });
    const out = await client.call('export.coco', { path: join(dir, 'out.json'), reviewedOnly: true });
    expect(out).toMatchObject({ images: 1, annotations: 1, categories: 1, path: join(dir, 'out.json') });
    expect(out.bytes).toBeGreaterThan(0);
    expect(changed).toContainEqual({ ids: [id] });
    await session.close();
  });

  it('lists, verifies, imports and removes model packs', async () => {
    const dir = tmp();
    const prev = process.env.LABELWRIGHT_MODELS;
    process.env.LABELWRIGHT_MODELS = join(dir, 'models');
    try {
      const session = new AppSession({ shell: 'browser', imageUrl: '', thumbnailUrl: '', userDataDir: join(dir, 'ud') });
      const { client } = connect(session.handlers());
      const list = await client.call('models.list', {});
      const fixture = list.packs.find((p) => p.id === 'glip-fixture');
      expect(fixture).toMatchObject({ kind: 'glip', fixture: true, installed: true, missing: [], source: 'bundled' });
      expect(list.executionProvider.provider).toMatch(/cpu|cuda|dml|coreml/);
      const verify = await client.call('models.verify', { id: 'glip-fixture' });
      expect(verify.length).toBeGreaterThan(0);
      expect(verify.every((v) => v.ok)).toBe(true);
      await expect(client.call('models.remove', { id: 'glip-fixture' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      const imported = await client.call('models.import', { folder: join(import.meta.dirname, '../../models/fixtures/glip-fixture') });
      expect(imported).toMatchObject({ id: 'glip-fixture', installed: true, source: 'user' });
      expect(await client.call('models.remove', { id: 'glip-fixture' })).toEqual({ removed: true });
      await expect(client.call('models.verify', { id: 'no-such-pack' })).rejects.toMatchObject({ code: 'MODEL_PACK_MISSING' });
    } finally {
      if (prev === undefined) delete process.env.LABELWRIGHT_MODELS;
      else process.env.LABELWRIGHT_MODELS = prev;
    }
  });

  it('binds jobs.* to an injected job service and forwards its progress events', async () => {
    const dir = tmp();
    const listeners: ((p: never) => void)[] = [];
    const job = { jobId: 1, state: 'running', total: 2, done: 0, failed: 0, skipped: 0, imagesPerSecond: 0, etaSeconds: null, currentFile: null, error: null } as const;
    const session = new AppSession({
      shell: 'browser',
      imageUrl: '',
      thumbnailUrl: '',
      userDataDir: join(dir, 'ud'),
      // a fake of the JobService surface the session binds (cast: the interface may grow)
      jobs: (() => ({
        start: async () => ({ ...job, packs: ['glip-fixture'], createdAt: 1 }),
        list: () => [],
        pause: async () => ({ ...job, state: 'paused', packs: [], createdAt: 1 }),
        resume: async () => ({ ...job, packs: [], createdAt: 1 }),
        cancel: async () => ({ ...job, state: 'cancelled', packs: [], createdAt: 1 }),
        retry: async () => ({ ...job, packs: [], createdAt: 1 }),
        onProgress: (l: unknown) => {
          listeners.push(l as never);
          return () => undefined;
        },
        close: async () => undefined,
      })) as unknown as JobServiceFactory,
    });
    const { server, client } = connect(session.handlers());
    session.bind(server);
    await client.call('project.create', { path: join(dir, 'p.lw') });
    const progress: unknown[] = [];
    client.on('jobs.progress', (p) => progress.push(p));
    expect(await client.call('jobs.start', { packs: ['glip-fixture'], target: { kind: 'unlabeled' } })).toMatchObject({ jobId: 1, packs: ['glip-fixture'] });
    expect(await client.call('jobs.pause', { jobId: 1 })).toMatchObject({ state: 'paused' });
    listeners[0]({ ...job, done: 1 } as never);
    await new Promise((r) => setTimeout(r, 10));
    expect(progress).toEqual([{ ...job, done: 1 }]);
    await session.close();
  });
});
