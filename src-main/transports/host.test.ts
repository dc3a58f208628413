import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as netConnect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { useTmp } from '../testing/tmp';
import { writeImage } from '../testing/write-image';
import { ProjectService } from '../services/project-service';
import { startHost, type RunningHost } from '../app/host';
import { RpcClient } from '../shared/rpc';
import { connectWebSocket } from './ws';

const tmp = useTmp();
const hosts: RunningHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
});

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw GET: the path goes on the wire exactly as given (no URL normalisation). */
function get(port: number, path: string, headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function setup() {
  const dir = tmp();
  const images = join(dir, 'images');
  await writeImage(join(images, 'a.png'), 640, 480, { seed: 1 });
  await writeImage(join(images, 'b.jpg'), 32, 24, { seed: 2, format: 'jpeg' });
  writeFileSync(join(dir, 'secret.txt'), 'top secret');
  const project = join(dir, 'p.lw');
  const svc = ProjectService.create(project);
  await svc.addFolder(images);
  const ids = Object.fromEntries(svc.listImages().map((i) => [i.path.endsWith('a.png') ? 'a' : 'b', i.id])) as { a: number; b: number };
  svc.close();
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Labelwright</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  const host = await startHost({ project, rendererDir, userDataDir: join(dir, 'ud'), logError: () => undefined });
  hosts.push(host);
  return { dir, host, ids, images };
}

describe('browser host security', () => {
  it('requires the token on every HTTP request and sets strict headers', async () => {
    const { host } = await setup();
    expect((await get(host.port, '/')).status).toBe(403);
    expect((await get(host.port, '/?token=wrong')).status).toBe(403);
    expect((await get(host.port, `/?token=${host.token}x`)).status).toBe(403);
    expect((await get(host.port, '/', { Authorization: 'Bearer nope' })).status).toBe(403);
    expect((await get(host.port, '/assets/app.js', { Cookie: `lw_token_${host.port}=bad` })).status).toBe(403);

    const ok = await get(host.port, `/?token=${host.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toContain('<title>Labelwright</title>');
    expect(ok.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self'/);
    expect(ok.headers['content-security-policy']).toMatch(/object-src 'none'/);
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^lw_token_${host.port}=${host.token}; HttpOnly; SameSite=Strict; Path=/`));

    // the cookie and the bearer header work as well as the query
    const js = await get(host.port, '/assets/app.js', { Cookie: cookie.split(';')[0] });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(host.port, '/assets/app.js', { Authorization: `Bearer ${host.token}` })).status).toBe(200);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
  });

  it('listens on 127.0.0.1 only', async () => {
    const { host } = await setup();
    expect(host.server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // no non-loopback interface on this machine
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const s = netConnect({ host: external.address, port: host.port });
      s.once('connect', () => {
        s.destroy();
        resolve(null);
      });
      s.once('error', (e) => resolve(e));
    });
    expect(err?.code).toBe('ECONNREFUSED');
  });

  it('serves registered images and thumbnails, and refuses traversal and unregistered ids with 403', async () => {
    const { host, ids, images } = await setup();
    const q = `?token=${host.token}`;
    const a = await get(host.port, `/images/${ids.a}${q}`);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('image/png');
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect(a.body.equals(readFileSync(join(images, 'a.png')))).toBe(true);
    const b = await get(host.port, `/images/${ids.b}${q}`);
    expect(b.headers['content-type']).toBe('image/jpeg');

    const t = await get(host.port, `/thumbs/${ids.a}${q}`);
    expect(t.status).toBe(200);
    expect(t.headers['content-type']).toBe('image/jpeg');
    expect(await sharp(t.body).metadata()).toMatchObject({ format: 'jpeg', width: 256, height: 192 });

    for (const path of [
      '/images/../../etc/passwd',
      '/images/..%2f..%2fetc%2fpasswd',
      '/images/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/images/%252e%252e%252fsecret.txt',
      '/images/..\\..\\secret.txt',
      '/images/999',
      '/images/0',
      '/images/abc',
      '/images/1/2',
      '/images/',
      '/thumbs/999',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
    ]) {
      const r = await get(host.port, `${path}${q}`);
      expect(r.status, path).toBe(403);
      expect(r.body.toString(), path).not.toContain('top secret');
    }
    // without the token, even a registered image is refused
    expect((await get(host.port, `/images/${ids.a}`)).status).toBe(403);
  });

  it('requires the token on the WebSocket upgrade and serves RPC over it', async () => {
    const { host, ids } = await setup();
    const base = `ws://127.0.0.1:${host.port}/rpc`;
    await expect(connectWebSocket(base)).rejects.toThrow(/HTTP 403/);
    await expect(connectWebSocket(`${base}?token=wrong`)).rejects.toThrow(/HTTP 403/);
    await expect(connectWebSocket(`ws://127.0.0.1:${host.port}/other?token=${host.token}`)).rejects.toThrow(/HTTP 404/);

    // the cookie works from the host's own pages only
    const cookie = `lw_token_${host.port}=${host.token}`;
    await expect(connectWebSocket(base, { Cookie: cookie, Origin: 'http://evil.example' })).rejects.toThrow(/HTTP 403/);
    (await connectWebSocket(base, { Cookie: cookie, Origin: `http://127.0.0.1:${host.port}` })).close?.();

    const client = new RpcClient(await connectWebSocket(`${base}?token=${host.token}`), { timeoutMs: 5000 });
    const info = await client.call('session.info', {});
    expect(info).toMatchObject({ imageUrl: '/images/{id}', thumbnailUrl: '/thumbs/{id}', shell: 'browser', project: { name: 'p' } });
    const page = await client.call('images.query', { sort: 'name' });
    expect(page.items.map((i) => i.id)).toEqual([ids.a, ids.b]);
    client.close();

    // malformed frames get a validation error and the connection keeps serving
    const ws = new WebSocket(base, { headers: { Authorization: `Bearer ${host.token}` } });
    await new Promise((r) => ws.once('open', r));
    const replies: unknown[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    ws.send('{not json');
    ws.send(JSON.stringify({ type: 'request', id: 5, method: 'images.get', params: { id: 'x' } }));
    ws.send(JSON.stringify({ type: 'request', id: 6, method: 'images.get', params: { id: ids.b } }));
    await new Promise((r) => setTimeout(r, 200));
    ws.close();
    expect(replies).toEqual([
      expect.objectContaining({ id: -1, ok: false, error: expect.objectContaining({ code: 'INVALID_ARGUMENT' }) }),
      expect.objectContaining({ id: 5, ok: false, error: expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^Invalid params for images\.get: id: /) }) }),
      expect.objectContaining({ id: 6, ok: true, result: expect.objectContaining({ image: expect.objectContaining({ name: 'b.jpg' }) }) }),
    ]);
  });

  it('`npm run host` prints exactly one URL line and closes cleanly on SIGTERM', async () => {
    const dir = tmp();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../app/host.ts'), join(dir, 'new.lw'), '--create'], {
      env: { ...process.env, LABELWRIGHT_USER_DATA: join(dir, 'ud') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const line = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no URL line')), 30_000);
      child.stdout.on('data', () => {
        if (out.includes('\n')) {
          clearTimeout(t);
          resolve(out.split('\n')[0]);
        }
      });
      child.once('exit', (c) => reject(new Error(`exited ${c}`)));
    });
    const m = /^Labelwright host: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/.exec(line);
    expect(m, line).not.toBeNull();
    expect((await get(Number(m![1]), '/')).status).toBe(403);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    // the project was created and closed cleanly (WAL checkpointed, reopens fine)
    const svc = ProjectService.open(join(dir, 'new.lw'));
    expect(svc.stats().images).toBe(0);
    svc.close();
  });
});
