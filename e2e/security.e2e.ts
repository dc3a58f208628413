/**
 * The browser host's security promises, checked from outside as an attacker would:
 * the token is required everywhere, only loopback listens, image URLs address only the
 * open project's images, and malformed RPC messages get a validation error, not a crash.
 */
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { cpSync } from 'node:fs';
import WebSocket from 'ws';
import { expect, test } from './fixtures';
import { REPO } from './support/host';

test.describe('security (browser host)', () => {
  // eslint-disable-next-line no-empty-pattern
  test.beforeEach(({}, testInfo) => {
    test.skip(testInfo.project.name !== 'browser', 'host-only checks');
  });

  test('requests without the token are refused; only loopback listens', async ({ host, app }) => {
    const { origin } = host!;
    expect(new URL(origin).hostname).toBe('127.0.0.1');
    for (const path of ['/', '/index.html', '/images/1', '/thumbs/1', '/rpc']) {
      const r = await fetch(origin + path);
      expect(r.status, path).toBe(403);
    }
    const wrong = await fetch(`${origin}/?token=${'x'.repeat(host!.token.length)}`);
    expect(wrong.status).toBe(403);
    expect((await fetch(`${origin}/?token=${host!.token}`)).status).toBe(200);

    // WebSocket upgrade without the token
    const refused = await new Promise<number | string>((resolve) => {
      const ws = new WebSocket(origin.replace('http', 'ws') + '/rpc');
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve('open'));
      ws.once('error', (e) => resolve(e.message));
    });
    expect(refused).toBe(403);

    // Not reachable on a non-loopback address of this machine.
    const ext = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (ext) {
      const port = new URL(origin).port;
      const err = await fetch(`http://${ext.address}:${port}/?token=${host!.token}`, {
        signal: AbortSignal.timeout(3000),
      }).then(
        (r) => `status ${r.status}`,
        (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
      );
      expect(err).not.toMatch(/^status/);
    }
    await expect(app.page.getByTestId('project-path')).toBeVisible(); // the real page (with token) works
  });

  test('image URLs refuse paths outside the project', async ({ host, app, workspace }) => {
    const images = join(workspace.dir, 'images');
    cpSync(join(REPO, 'resources', 'samples'), images, { recursive: true });
    await app.waitForTestApi();
    await app.page.evaluate(
      async ([project, folder]) => {
        await window.__labelwright!.call('project.create', { path: project });
        await window.__labelwright!.call('project.addFolder', { folder });
      },
      [join(workspace.dir, 'p.lw'), images] as const,
    );
    const auth = { headers: { Authorization: `Bearer ${host!.token}` } };
    const ok = await fetch(`${host!.origin}/images/1`, auth);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^image\//);
    const probes = [
      '/images/../../../../etc/passwd',
      '/images/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/images/%252e%252e%252fetc%252fpasswd',
      '/images/..%5c..%5cwindows%5cwin.ini',
      `/images/${encodeURIComponent(join(REPO, 'package.json'))}`,
      '/images/999999',
      '/images/0',
      '/images/1.5',
      '/thumbs/../../etc/passwd',
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
    ];
    for (const p of probes) {
      // fetch() normalises dot segments; send raw paths over a socket-level request instead.
      const status = await rawGet(host!.origin, p, host!.token);
      expect([400, 403, 404], `${p} → ${status}`).toContain(status);
    }
  });

  test('a malformed RPC message gets a validation error and the page keeps working', async ({
    host,
    app,
  }) => {
    await app.waitForTestApi();
    const results = await app.page.evaluate(async () => {
      const api = window.__labelwright!;
      const out: { code?: string; message?: string }[] = [];
      for (const m of [
        { type: 'request', method: 'images.get', params: { id: 'abc' } },
        { type: 'request', method: 'no.such.method', params: {} },
        {
          type: 'request',
          method: 'annotations.apply',
          params: { imageId: 1, changes: [{ op: 'explode' }] },
        },
      ]) {
        try {
          await api.raw(m);
          out.push({ code: 'NO_ERROR' });
        } catch (e) {
          const err = e as { code?: string; message?: string };
          out.push({ code: err.code, message: err.message });
        }
      }
      return out;
    });
    for (const r of results) expect(r.code, JSON.stringify(r)).toBe('INVALID_ARGUMENT');

    // Garbage frames straight over a second socket: errors come back, the server stays up.
    const ws = new WebSocket(`${host!.origin.replace('http', 'ws')}/rpc?token=${host!.token}`);
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    const replies: unknown[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    ws.send('this is not json');
    ws.send(JSON.stringify({ type: 'request', id: 'x', method: 42 }));
    ws.send(JSON.stringify({ type: 'request', id: 7, method: 'session.info', params: {} }));
    await expect.poll(() => replies.length).toBeGreaterThanOrEqual(3);
    ws.close();
    const errors = replies.filter((r) => (r as { ok?: boolean }).ok === false) as {
      error: { code: string };
    }[];
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const e of errors) expect(e.error.code).toBe('INVALID_ARGUMENT');
    expect(
      replies.some(
        (r) => (r as { id?: number; ok?: boolean }).id === 7 && (r as { ok?: boolean }).ok === true,
      ),
    ).toBe(true);

    // The page is still connected and usable.
    const info = await app.page.evaluate(() => window.__labelwright!.call('session.info', {}));
    expect(info.imageUrl).toContain('{id}');
    await app.start.createProject(join(app.dir, 'after.lw'));
  });
});

/** GET with the path exactly as given (no URL normalisation), via node:http. */
async function rawGet(origin: string, path: string, token: string): Promise<number> {
  const { request } = await import('node:http');
  const u = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: 'GET', headers: { Authorization: `Bearer ${token}` } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
