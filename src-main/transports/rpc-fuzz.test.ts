/**
 * Issue 10, Tests: a fuzz test of the RPC server over a real WebSocket to the browser host,
 * run as its own process (as users run it), so a crash shows as an exit and a hang as an
 * unanswered request. Params come from the contract's own schemas (testing/fuzz-values.ts),
 * mixed with boundary and hostile values, plus malformed frames. Every request with an id
 * gets exactly one answer, ok or a contract error that is not INTERNAL and leaks no stack;
 * the host stays up; every project file keeps `integrity_check` ok; a normal call works.
 *
 * Bounded (MAX_CALLS or BUDGET_MS, whichever first) so CI stays fast. Reproduce a failure
 * with the seed it prints: LW_FUZZ_SEED=<seed> npx vitest run src-main/transports/rpc-fuzz.test.ts
 *
 * Every file the fuzzer can touch is inside one temp folder: the host's cwd is two levels
 * below it (so `../../etc/passwd` lands in the temp folder), its user data (model packs,
 * recent list) is there too, and the fields that name files (`path`, `folder`) are drawn
 * from a per-method pool of paths inside it plus paths the host must refuse before touching
 * the file system (/proc, /sys, /dev).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Method } from '../shared/api';
import { ErrorPayload } from '../shared/contract';
import { RpcClient } from '../shared/rpc';
import { REPO_ROOT } from '../testing/cli';
import { fuzzParams } from '../testing/fuzz-values';
import { prng } from '../testing/mask-refs';
import { writeImage } from '../testing/write-image';
import { connectWebSocket } from './ws';

const MAX_CALLS = Number(process.env.LW_FUZZ_CALLS ?? 600);
const BUDGET_MS = 25_000;
/** An answer later than this is a hang (the host's own deadline is 120 s; nothing here needs more than a few). */
const ANSWER_MS = 15_000;
const IN_FLIGHT = 6;

const SEED = process.env.LW_FUZZ_SEED ? Number(process.env.LW_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 32);

let child: ChildProcess;
let dir = '';
let port = 0;
let token = '';
let exited: string | null = null;
let hostErr = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lw-fuzz-'));
  const cwd = join(dir, 'w', 'x');
  mkdirSync(cwd, { recursive: true });
  mkdirSync(join(dir, 'etc'));
  writeFileSync(join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  writeFileSync(join(dir, 'notes.txt'), 'not a project\n');
  writeFileSync(join(dir, 'zero.lw'), '');
  mkdirSync(join(dir, 'empty'));
  for (let i = 0; i < 4; i++) await writeImage(join(dir, 'imgs', `img${i}.png`), 40 + i, 30, { seed: i });
  // A folder of odd entries for project.addFolder: a FIFO and a text file named .jpg.
  mkdirSync(join(dir, 'odd'));
  execFileSync('mkfifo', [join(dir, 'odd', 'pipe.png')]);
  writeFileSync(join(dir, 'odd', 'text.jpg'), 'hello');
  await writeImage(join(dir, 'odd', 'real.jpg'), 20, 20, { format: 'jpeg', seed: 9 });
  mkdirSync(join(dir, 'fakepack'));
  writeFileSync(join(dir, 'fakepack', 'manifest.json'), '{"id":"fake","kind":"glip"}');

  child = spawn(process.execPath, ['--import', pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(REPO_ROOT, 'src-main/app/host.ts'), join(dir, 'p.lw'), '--create'], {
    cwd,
    env: { ...process.env, LABELWRIGHT_USER_DATA: join(dir, 'ud'), LABELWRIGHT_MODELS: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d) => (hostErr = (hostErr + String(d)).slice(-20_000)));
  child.once('exit', (code, signal) => (exited = `host exited (${code ?? signal})`));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no URL line: ${hostErr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('\n')) {
        clearTimeout(t);
        resolve(out.split('\n')[0]);
      }
    });
    child.once('exit', () => reject(new Error(`${exited}: ${hostErr}`)));
  });
  const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)$/.exec(line)!;
  port = Number(m[1]);
  token = m[2];
}, 60_000);

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const rpcUrl = () => `ws://127.0.0.1:${port}/rpc?token=${token}`;

/** Files and folders per method and field: inside the temp folder, or refused before the file system. */
function pathPool(method: Method, n: number): string[] {
  const d = (...p: string[]) => join(dir, ...p);
  const hostile = ['/proc/nope/x.lw', '/sys/x.lw', '/dev/shm/lw-fuzz-x.lw', 'x'.repeat(5000), d('a\u0000b.lw'), d('notes.txt', 'x.lw')];
  switch (method) {
    case 'project.create':
      return [d(`new-${n}.lw`), d('sub', 'ünï 🙂', `p${n}`), `rel-${n}`, d('p.lw'), d('imgs'), d('notes.txt'), '../../etc/passwd', ...hostile];
    case 'project.open':
      return [d('p.lw'), d('p.lw'), d('new-1.lw'), d('imgs', 'img0.png'), d('notes.txt'), d('zero.lw'), d('missing.lw'), '../../etc/passwd', d('odd', 'pipe.png'), '/proc/self/status', '/dev/zero', ...hostile];
    case 'project.addFolder':
      return [d('imgs'), d('imgs'), d('odd'), d('empty'), '../..', d('notes.txt'), d('missing'), '/proc/nope', d('a\u0000b'), 'x'.repeat(5000)];
    case 'export.coco':
      // Never /dev/null or the like: an export may replace its target by rename.
      return [d('out', `e${n}.json`), d('p.lw'), d('p.lw-wal'), d('imgs'), d('notes.txt'), '../../etc/passwd', '/proc/nope/x.json', d('a\u0000b.json'), 'x'.repeat(5000)];
    case 'models.import':
      return [d('imgs'), d('fakepack'), d('missing'), '../../etc', d('notes.txt'), '/proc/nope', d('odd')];
    default:
      return [d('imgs')];
  }
}

type Expect = { kind: 'id'; id: number } | { kind: 'anonymous' } | { kind: 'none' };

describe('RPC fuzz over a real WebSocket to the host process', () => {
  it('answers or refuses every message, stays up, and keeps every project intact', async () => {
    const rnd = prng(SEED);
    const findings: string[] = [];
    const note = (s: string) => findings.push(s.length > 600 ? `${s.slice(0, 600)}…` : s);
    const brief = (v: unknown) => {
      const s = JSON.stringify(v) ?? String(v);
      return s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s;
    };

    // A small real project, so that fuzzed ids meet images, categories and annotations.
    const setup = new RpcClient(await connectWebSocket(rpcUrl()), { timeoutMs: 20_000 });
    await setup.call('project.addFolder', { folder: join(dir, 'imgs') });
    for (const name of ['cat', 'dog', 'Person']) await setup.call('categories.add', { name });
    await setup.call('annotations.apply', { imageId: 1, changes: [{ op: 'create', categoryId: 1, bbox: [1, 1, 10, 10] }, { op: 'create', categoryId: 2, bbox: [5, 5, 3, 3] }] });
    const packs = (await setup.call('models.list', {})).packs;
    setup.close();
    // models.download of a pack that is not installed would fetch it from the internet.
    const notInstalled = new Set(packs.filter((p) => !p.installed).map((p) => p.id));
    const words = ['cat', 'dog', 'Person', ...packs.map((p) => p.id)];

    const ws = new WebSocket(rpcUrl());
    ws.on('error', (e) => note(`client socket error: ${e.message}`));
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const pending = new Map<number, { what: string; sent: number; answered: (ok: boolean) => void }>();
    let anonymousExpected = 0;
    let anonymousGot = 0;
    /** Answers by outcome: the fuzz is useful only if many calls get past validation. */
    const outcomes = new Map<string, number>();
    ws.on('message', (data: Buffer) => {
      let msg: { type?: string; id?: number; ok?: boolean; error?: unknown };
      try {
        msg = JSON.parse(data.toString('utf8')) as typeof msg;
      } catch {
        return note(`host sent non-JSON: ${data.toString('utf8').slice(0, 200)}`);
      }
      if (msg.type === 'event') return;
      if (msg.type !== 'response' || typeof msg.id !== 'number') return note(`host sent an odd message: ${brief(msg)}`);
      if (msg.id === -1) anonymousGot++;
      const p = pending.get(msg.id);
      if (msg.id !== -1 && !p) note(`response to an id not in flight (duplicate or invented): ${brief(msg)}`);
      const outcome = msg.ok ? 'ok' : String((msg.error as { code?: unknown } | undefined)?.code);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (msg.ok === false) {
        const err = ErrorPayload.safeParse(msg.error);
        const what = p?.what ?? `id ${msg.id}`;
        if (!err.success) note(`${what}: error payload off the contract: ${brief(msg.error)}`);
        else {
          const text = `${err.data.message}\n${err.data.hint ?? ''}`;
          if (/\n\s+at |\.ts:\d+|node:internal/.test(text)) note(`${what}: error leaks a stack: ${brief(err.data)}`);
          if (err.data.code === 'INTERNAL') note(`${what}: INTERNAL: ${err.data.message}`);
        }
      }
      if (p) {
        pending.delete(msg.id);
        p.answered(msg.ok === true);
      }
    });

    let nextId = 1;
    const send = (frame: string | Buffer, expect: Expect, what: string, binary = false): Promise<void> => {
      if (expect.kind === 'anonymous') anonymousExpected++;
      ws.send(frame, { binary });
      if (expect.kind !== 'id') return Promise.resolve();
      return new Promise<void>((resolve) => {
        pending.set(expect.id, { what, sent: Date.now(), answered: () => resolve() });
      });
    };

    /** The malformed frames: what the host must answer (`id`, or anonymously with id -1) or ignore. */
    const malformed = (): [string | Buffer, Expect, string, boolean?] => {
      const id = nextId++;
      const cases: [string | Buffer, Expect, string, boolean?][] = [
        ['not json at all', { kind: 'anonymous' }, 'non-JSON text'],
        ['', { kind: 'anonymous' }, 'an empty frame'],
        ['{"type":"request","id":', { kind: 'anonymous' }, 'truncated JSON'],
        ['[1,2,3]', { kind: 'anonymous' }, 'a JSON array'],
        ['null', { kind: 'anonymous' }, 'JSON null'],
        ['"request"', { kind: 'anonymous' }, 'a JSON string'],
        [`{"type":"request","id":"${id}","method":"session.info","params":{}}`, { kind: 'anonymous' }, 'a string id'],
        ['{"type":"request","id":1.5,"method":"session.info","params":{}}', { kind: 'anonymous' }, 'a fractional id'],
        ['{"type":"request","id":null,"method":"session.info"}', { kind: 'anonymous' }, 'a null id'],
        ['{"type":"request","id":1e999,"method":"session.info"}', { kind: 'anonymous' }, 'an infinite id'],
        [`{"type":"request","id":${id},"method":42}`, { kind: 'id', id }, 'a numeric method'],
        [`{"type":"request","id":${id},"method":"nope.nope","params":{}}`, { kind: 'id', id }, 'an unknown method'],
        [`{"type":"request","id":${id},"method":"__proto__","params":{}}`, { kind: 'id', id }, 'method __proto__'],
        [`{"type":"request","id":${id},"method":"toString"}`, { kind: 'id', id }, 'method toString'],
        [`{"type":"request","id":${id},"method":"images.query","params":{"limit":1e999}}`, { kind: 'id', id }, 'a param of 1e999'],
        [`{"type":"request","id":${id},"method":"categories.add","params":{"name":"a","__proto__":{"id":5}}}`, { kind: 'id', id }, 'a __proto__ param'],
        [`{"type":"request","id":-${id},"method":"session.info","params":{}}`, { kind: 'id', id: -id }, 'a negative id'],
        [`{"type":"request","id":${id},"method":"session.info","params":{},"params":[]}`, { kind: 'id', id }, 'a duplicate key'],
        [`{"type":"event","event":"session.changed","payload":{}}`, { kind: 'none' }, 'an event from the client'],
        [`{"type":"response","id":${id},"ok":true,"result":1}`, { kind: 'none' }, 'a response from the client'],
        [`${'['.repeat(50_000)}${']'.repeat(50_000)}`, { kind: 'anonymous' }, 'JSON nested 50000 deep'],
        [Buffer.from(JSON.stringify({ type: 'request', id, method: 'session.info', params: {} })), { kind: 'id', id }, 'a binary frame holding a request', true],
        [Buffer.from([0xff, 0xfe, 0x00, 0x01, 0xc3, 0x28]), { kind: 'anonymous' }, 'a binary frame of junk', true],
      ];
      return pick(cases);
    };
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    // dialog.pick stays in: the browser host has no native dialogs and refuses it at once.
    const methods = Object.keys(api) as Method[];

    const call = (): Promise<void> => {
      const method = pick(methods);
      const n = nextId;
      const params = fuzzParams(method, { rnd, words, path: () => pick(pathPool(method, n)) });
      if (method === 'models.download' && params && typeof params === 'object' && notInstalled.has((params as { id?: string }).id ?? '')) {
        (params as { id: string }).id = 'no-such-pack';
      }
      const id = nextId++;
      return send(JSON.stringify({ type: 'request', id, method, params }), { kind: 'id', id }, `${method} ${brief(params)}`);
    };

    const t0 = Date.now();
    let sent = 0;
    const inFlight = new Set<Promise<void>>();
    while (sent < MAX_CALLS && Date.now() - t0 < BUDGET_MS && exited === null) {
      let p: Promise<void>;
      if (rnd() < 0.15) {
        const [frame, exp, what, binary] = malformed();
        p = send(frame, exp, what, binary);
      } else p = call();
      sent++;
      const tracked = p.then(() => void inFlight.delete(tracked));
      inFlight.add(tracked);
      while (inFlight.size >= IN_FLIGHT) {
        await Promise.race([...inFlight, sleep(500)]);
        const old = [...pending.values()].find((q) => Date.now() - q.sent > ANSWER_MS);
        if (old || exited !== null) break;
      }
      if ([...pending.values()].some((q) => Date.now() - q.sent > ANSWER_MS) || exited !== null) break;
    }
    // Drain: everything sent gets its answer within ANSWER_MS.
    const drainStart = Date.now();
    while ((pending.size || anonymousGot < anonymousExpected) && exited === null && Date.now() - drainStart < ANSWER_MS) await sleep(50);
    for (const q of pending.values()) note(`no answer within ${ANSWER_MS / 1000} s (hang): ${q.what}`);
    if (anonymousGot !== anonymousExpected) note(`malformed frames: ${anonymousExpected} should get an id -1 answer, ${anonymousGot} did`);
    ws.close();

    const report = () =>
      `seed ${SEED} (rerun: LW_FUZZ_SEED=${SEED}), ${sent} messages in ${Date.now() - t0} ms\n${findings.join('\n')}\n--- host stderr (tail) ---\n${hostErr.replace(/(.)\1{40,}/g, '$1…').slice(-6000)}`;
    expect(exited, report()).toBeNull();
    expect(findings, report()).toEqual([]);
    expect(sent).toBeGreaterThan(50);
    if (process.env.LW_FUZZ_VERBOSE) console.log(report(), Object.fromEntries(outcomes));
    // Valid-shaped params reach the services: well over a few of the answers are successes.
    expect(outcomes.get('ok') ?? 0, JSON.stringify(Object.fromEntries(outcomes))).toBeGreaterThan(sent / 10);

    // A normal call still works, on the project the fuzz started with.
    const after = new RpcClient(await connectWebSocket(rpcUrl()), { timeoutMs: 10_000 });
    await after.call('project.open', { path: join(dir, 'p.lw') });
    expect(await after.call('session.info', {})).toMatchObject({ project: { path: join(dir, 'p.lw') } });
    expect((await after.call('project.stats', {})).images).toBeGreaterThanOrEqual(4);
    after.close();

    // Every SQLite file the fuzz could have touched is intact (read while the host holds one open).
    const dbs = sqliteFiles(dir);
    expect(dbs).toContain(join(dir, 'p.lw'));
    for (const f of dbs) {
      const db = new Database(f, { readonly: true, fileMustExist: true });
      try {
        expect(db.pragma('integrity_check', { simple: true }), `${f} (${report()})`).toBe('ok');
      } finally {
        db.close();
      }
    }
  }, 90_000);
});

/** What earlier fuzz runs found, kept as fixed cases so that they fail without luck. */
describe('cases the fuzzer found', () => {
  const refusal = (e: unknown) => e as { code: string; message: string };

  it('export.coco onto a folder, a missing folder, a NUL or a too-long name: INVALID_ARGUMENT naming the problem', async () => {
    const client = new RpcClient(await connectWebSocket(rpcUrl()), { timeoutMs: 10_000 });
    await client.call('project.open', { path: join(dir, 'p.lw') });
    const cases: [string, RegExp][] = [
      [join(dir, 'imgs'), /it is a folder/],
      ['/proc/nope/x.json', /its folder does not exist/],
      [join(dir, 'missing', 'x.json'), /its folder does not exist/],
      [join(dir, 'notes.txt', 'x.json'), /is a file, not a folder/],
      [join(dir, 'a\u0000b.json'), /NUL character/],
      ['x'.repeat(5000), /name is too long/],
    ];
    for (const [path, why] of cases) {
      const err = refusal(await client.call('export.coco', { path }).catch((e: unknown) => e));
      expect(err, path.slice(0, 80)).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(why) });
    }
    expect(readdirSync(join(dir, 'imgs')).filter((f) => f.endsWith('.partial'))).toEqual([]);
    client.close();
  });

  it('jobs.start still loading its model while project.open switches projects: the host stays up', async () => {
    const client = new RpcClient(await connectWebSocket(rpcUrl()), { timeoutMs: 20_000 });
    await client.call('project.open', { path: join(dir, 'p.lw') });
    await client.call('categories.add', { name: `jobs-${Date.now()}` });
    if ((await client.call('project.stats', {})).images === 0) await client.call('project.addFolder', { folder: join(dir, 'imgs') });
    // The switch lands at some point of the start: before, during or after its model loads.
    for (const delay of [0, 60]) {
      const [started, opened] = await Promise.allSettled([
        client.call('jobs.start', { packs: ['glip-fixture'], target: { kind: 'all' } }),
        sleep(delay).then(() => client.call('project.open', { path: join(dir, 'p.lw') })),
      ]);
      expect(opened.status).toBe('fulfilled');
      if (started.status === 'rejected') expect(refusal(started.reason).code, refusal(started.reason).message).not.toBe('INTERNAL');
    }
    await sleep(1000); // a job left running on the closed project failed here and took the process down
    expect(exited).toBeNull();
    expect(Array.isArray(await client.call('jobs.list', {}))).toBe(true);
    client.close();
  }, 60_000);

  it('categories.add with an id past 2^31-1 is refused; later categories keep small ids', async () => {
    const client = new RpcClient(await connectWebSocket(rpcUrl()), { timeoutMs: 10_000 });
    await client.call('project.open', { path: join(dir, 'p.lw') });
    const err = refusal(await client.call('categories.add', { name: 'huge', id: 2 ** 53 - 1 }).catch((e: unknown) => e));
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/too big/) });
    expect((await client.call('categories.add', { name: `after-${Date.now()}` })).id).toBeLessThan(2 ** 31);
    expect((await client.call('categories.list', {})).length).toBeGreaterThan(0);
    client.close();
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Files under `root` that start with the SQLite header (FIFOs and the like skipped). */
function sqliteFiles(root: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    const f = join(e.parentPath, e.name);
    if (!e.isFile() || /-(wal|shm|journal)$/.test(f) || statSync(f).size < 100) continue;
    const head = Buffer.alloc(16);
    const fd = openSync(f, 'r');
    try {
      readSync(fd, head, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
    if (head.toString('latin1') === 'SQLite format 3\u0000') out.push(f);
  }
  return out;
}
