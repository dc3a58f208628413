/**
 * Issue 10, items 8–10: the browser host stays up and answering whatever a client sends.
 * The host runs as its own process (`npm run host`), as users run it, so that a crash shows
 * as an exit and a hang as a timeout here instead of taking the test runner with it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RpcClient, createMemoryTransportPair } from '../shared/rpc';
import { createRpcServer } from './rpc-server';
import { connectWebSocket } from './ws';

let child: ChildProcess;
let port = 0;
let token = '';
let dir = '';
let exited: string | null = null;

/** Starts `npm run host` (no project) and reads its URL line. */
async function startHostProcess(): Promise<void> {
  exited = null;
  child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../app/host.ts')], {
    env: { ...process.env, LABELWRIGHT_USER_DATA: join(dir, 'ud') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  child.once('exit', (code, signal) => (exited = `host exited (${code ?? signal}): ${err.slice(-2000)}`));
  const line = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no URL line')), 30_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('\n')) {
        clearTimeout(t);
        resolve(out.split('\n')[0]);
      }
    });
    child.once('exit', () => reject(new Error(exited ?? 'exited')));
  });
  const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)$/.exec(line)!;
  port = Number(m[1]);
  token = m[2];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lw-robust-'));
  await startHostProcess();
}, 40_000);

// A test that killed or hung the host fails by itself; the next one gets a fresh host.
beforeEach(async () => {
  try {
    await hostAnswers(1500);
  } catch {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
    await startHostProcess();
  }
}, 40_000);

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const rpcUrl = () => `ws://127.0.0.1:${port}/rpc?token=${token}`;

/** A fresh connection answers session.info (the host is up and not stuck). */
async function hostAnswers(timeoutMs = 3000): Promise<void> {
  expect(exited).toBeNull();
  // A hung host accepts TCP but never answers the upgrade: bound the handshake too.
  const transport = await Promise.race([
    connectWebSocket(rpcUrl()),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no WebSocket handshake')), timeoutMs)),
  ]);
  const client = new RpcClient(transport, { timeoutMs });
  try {
    expect(await client.call('session.info', {})).toMatchObject({ shell: 'browser' });
  } finally {
    client.close();
  }
}

/** Opens a TCP socket and completes the WebSocket handshake by hand. */
async function rawWebSocket(): Promise<Socket> {
  const s = netConnect({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => {
    s.once('connect', resolve);
    s.once('error', reject);
  });
  s.on('error', () => undefined);
  s.write(
    `GET /rpc?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const head = await new Promise<string>((resolve) => {
    let got = '';
    const on = (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n')) {
        s.off('data', on);
        resolve(got);
      }
    };
    s.on('data', on);
  });
  expect(head).toMatch(/^HTTP\/1\.1 101 /);
  return s;
}

/** One frame; `announce` overrides the length field without sending that many bytes. */
function frame(opcode: number, payload: Buffer, o: { mask?: boolean; rsv1?: boolean; announce?: number } = {}): Buffer {
  const mask = o.mask ?? true;
  const len = o.announce ?? payload.length;
  const b0 = 0x80 | (o.rsv1 ? 0x40 : 0) | opcode;
  let header: Buffer;
  if (len < 126) header = Buffer.from([b0, (mask ? 0x80 : 0) | len]);
  else if (len < 65536) {
    header = Buffer.alloc(4);
    header[0] = b0;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(len, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = b0;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(len), 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((v, i) => v ^ key[i % 4]));
  return Buffer.concat([header, key, body]);
}

/** Writes `bytes` after the handshake; resolves with the close code the host sent (or null), once the socket ends. */
async function sendRaw(bytes: Buffer): Promise<number | null> {
  const s = await rawWebSocket();
  let data = Buffer.alloc(0);
  s.on('data', (d: Buffer) => (data = Buffer.concat([data, d])));
  s.write(bytes);
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      s.destroy();
      resolve();
    }, 3000);
    s.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
  // A close frame from the server: 0x88, length, code.
  const i = data.indexOf(0x88);
  return i >= 0 && data.length >= i + 4 ? data.readUInt16BE(i + 2) : null;
}

describe('the host survives WebSocket protocol errors (item 8)', () => {
  const cases: [string, () => Buffer, number][] = [
    ['a frame announcing 200 MB', () => frame(0x1, Buffer.alloc(0), { announce: 200 * 1024 * 1024 }), 1009],
    ['invalid UTF-8 in a text frame', () => frame(0x1, Buffer.from([0xc3, 0x28, 0xff])), 1007],
    ['opcode 3', () => frame(0x3, Buffer.from('x')), 1002],
    ['an unmasked client frame', () => frame(0x1, Buffer.from('{}'), { mask: false }), 1002],
    ['RSV1 set without compression', () => frame(0x1, Buffer.from('{}'), { rsv1: true }), 1002],
    ['a 200-byte ping', () => frame(0x9, Buffer.alloc(200, 1)), 1002],
    ['close code 999', () => frame(0x8, Buffer.from([0x03, 0xe7])), 1002],
  ];
  for (const [what, bytes, code] of cases) {
    it(`${what}: that connection closes (${code}), the host answers the next`, async () => {
      expect(await sendRaw(bytes())).toBe(code);
      await hostAnswers();
    }, 15_000);
  }

  it('an oversize message fails the calls in flight with a reason naming the limit', async () => {
    const client = new RpcClient(await connectWebSocket(rpcUrl()), { timeoutMs: 10_000 });
    const big = 'x'.repeat(33 * 1024 * 1024);
    const err = await client.call('project.open', { path: big }).catch((e: Error) => e);
    expect(String((err as Error).message)).toMatch(/larger than the 32 MiB limit \(1009\)/);
    await hostAnswers();
  }, 20_000);
});

describe('project paths are checked before SQLite sees them (item 9)', () => {
  it('project.create /proc/nope/x.lw fails within 2 s while another connection is answered', async () => {
    const a = new RpcClient(await connectWebSocket(rpcUrl()), { timeoutMs: 2000 });
    const b = new RpcClient(await connectWebSocket(rpcUrl()), { timeoutMs: 2000 });
    const t0 = Date.now();
    const [created, info] = await Promise.allSettled([a.call('project.create', { path: '/proc/nope/x.lw' }), b.call('session.info', {})]);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(created.status).toBe('rejected');
    expect((created as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/under \/proc/) });
    expect(info.status).toBe('fulfilled');
    a.close();
    b.close();
    await hostAnswers();
  }, 10_000);

  it('refuses system folders, paths below a file, folders and FIFOs at once, with a clear error', async () => {
    const work = join(dir, 'paths');
    mkdirSync(join(work, 'folder.lw'), { recursive: true });
    writeFileSync(join(work, 'file.txt'), 'not a folder');
    const fifo = join(work, 'pipe.lw');
    execFileSync('mkfifo', [fifo]);
    const client = new RpcClient(await connectWebSocket(rpcUrl()), { timeoutMs: 2000 });
    const probe = (method: 'project.create' | 'project.open', path: string) => client.call(method, { path }).then(() => null, (e: { code: string; message: string }) => e);
    expect(await probe('project.create', '/sys/x.lw')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/under \/sys/) });
    expect(await probe('project.create', '/dev/shm/x.lw')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/under \/dev/) });
    expect(await probe('project.open', '/proc/self/status')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/under \/proc/) });
    expect(await probe('project.open', '/dev/zero')).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await probe('project.create', join(work, 'file.txt', 'x.lw'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/is a file, not a folder/) });
    expect(await probe('project.create', join(work, 'file.txt', 'deeper', 'x.lw'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/is a file, not a folder/) });
    expect(await probe('project.open', join(work, 'file.txt', 'x.lw'))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/is a file, not a folder/) });
    expect(await probe('project.open', join(work, 'folder.lw'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/is a folder/) });
    expect(await probe('project.open', fifo)).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/not a regular file/) });
    expect(await probe('project.create', fifo)).toMatchObject({ code: 'CONFLICT' });
    // An ordinary new project in missing folders still works.
    expect(await client.call('project.create', { path: join(work, 'new', 'deep', 'p') })).toMatchObject({ project: { name: 'p' } });
    client.close();
    await hostAnswers();
  }, 15_000);

  it('a request past its deadline fails with a clear error and never blocks the others', async () => {
    const server = createRpcServer(
      {
        'session.info': () => new Promise(() => undefined), // never settles
        'models.remove': () => ({ removed: false }),
      },
      { deadlineMs: 300, strictResults: false, logError: () => undefined },
    );
    const [clientEnd, serverEnd] = createMemoryTransportPair();
    server.attach(serverEnd);
    const client = new RpcClient(clientEnd, { timeoutMs: 3000 });
    const t0 = Date.now();
    const stuck = client.call('session.info', {}).catch((e: unknown) => e);
    expect(await client.call('models.remove', { id: 'x' })).toEqual({ removed: false }); // answered meanwhile
    expect(Date.now() - t0).toBeLessThan(300);
    expect(await stuck).toMatchObject({ code: 'INTERNAL', message: 'session.info did not finish within 300 ms' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('the Host header must name this host (item 10)', () => {
  function rawGet(path: string, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { Host: host, Authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('refuses HTTP requests and upgrades for another host, token or not, and accepts loopback names', async () => {
    for (const h of [`evil.example:${port}`, 'evil.example', `localhost.evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `127.0.0.2:${port}`, `[::1]x:${port}`]) {
      expect(await rawGet(`/?token=${token}`, h), h).toBe(421);
    }
    // Any port: a tunnel or proxy may use another local port than the host's.
    for (const h of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1']) {
      expect(await rawGet(`/?token=${token}`, h), h).toBe(200);
    }
    await expect(connectWebSocket(rpcUrl(), { Host: `evil.example:${port}` })).rejects.toThrow(/HTTP 421/);
    (await connectWebSocket(rpcUrl(), { Host: `localhost:${port}` })).close?.();
    await hostAnswers();
  }, 15_000);
});
