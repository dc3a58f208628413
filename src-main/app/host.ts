/**
 * The browser host: the same services as the Electron shell, over a WebSocket, in plain
 * Node. It serves the built renderer (out/renderer), the project's images and thumbnails,
 * and `/rpc`, on 127.0.0.1 only.
 *
 *   npm run host -- <project.lw> [--port N] [--create]
 *
 * prints one line, `Labelwright host: http://127.0.0.1:<port>/?token=<token>`.
 *
 * Token scheme: a fresh random token (32 bytes, base64url) per start. Every HTTP request
 * and the WebSocket upgrade must carry it, as `?token=<token>`, as
 * `Authorization: Bearer <token>`, or as the cookie `lw_token_<port>` (HttpOnly,
 * SameSite=Strict), which the first authorised page load sets, so that `<img src>` of
 * the relative `SessionInfo.imageUrl` (`/images/{id}`) and `thumbnailUrl` (`/thumbs/{id}`)
 * work without putting the token in the DOM. The cookie name carries the port because
 * cookies do not separate ports. Anything else gets 403.
 *
 * Before the token, every request and upgrade must name a loopback host in its Host header:
 * `127.0.0.1`, `[::1]` or `localhost`, with any port; anything else gets 421 Misdirected
 * Request. A DNS-rebinding page (evil.example resolving to 127.0.0.1) sends
 * `Host: evil.example:<port>`, so it is refused even if it somehow holds the token. The port
 * is not compared with the listening one on purpose: an SSH tunnel or TCP proxy may use
 * another local port (`ssh -L 9000:127.0.0.1:8765`, e2e/support/proxy.ts), and the name
 * alone is what tells a rebinding page apart.
 *
 * Robustness: a WebSocket protocol error (oversize or malformed frame, bad close code) ends
 * that one connection, never the process: every socket has an 'error' listener, messages are
 * capped at MAX_MESSAGE_BYTES (transports/ws.ts), and each request has a deadline
 * (transports/rpc-server.ts).
 *
 * Remote GPU box: run the host there and tunnel the port,
 *   ssh -L 8765:127.0.0.1:8765 gpu-box 'cd labelwright && npm run host -- ~/data/p.lw --port 8765'
 * then open the printed URL locally.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';
import type { JobServiceFactory } from '../jobs/job-service';
import { createRpcServer, type RpcServer } from '../transports/rpc-server';
import { MAX_MESSAGE_BYTES, webSocketTransport } from '../transports/ws';
import { repoRoot } from '../platform/paths';
import { displayImage } from '../image/display-image';
import { imageContentType, looksLikeTraversal, parseImageRoute, staticContentType } from './image-routes';
import { AppSession } from './session';
import { browserHostCsp } from './csp';

export const RPC_PATH = '/rpc';

export interface HostOptions {
  /** Project to open at start; none: the renderer shows its start screen. */
  project?: string;
  /** Create the project when it does not exist. */
  create?: boolean;
  /** 0 or absent: a free port. */
  port?: number;
  /** The built renderer; default `<repo>/out/renderer`. */
  rendererDir?: string;
  userDataDir?: string;
  jobs?: JobServiceFactory;
  /** Default: LABELWRIGHT_TEST_API=1. */
  testApi?: boolean;
  /** Default: log to stderr. */
  logError?: (what: string, e: unknown) => void;
  /** Per-request deadline (ms); default rpc-server's DEFAULT_DEADLINE_MS. */
  rpcDeadlineMs?: number;
}

export interface RunningHost {
  url: string;
  token: string;
  port: number;
  session: AppSession;
  rpc: RpcServer;
  server: Server;
  close(): Promise<void>;
}

export async function startHost(opts: HostOptions = {}): Promise<RunningHost> {
  const token = randomBytes(32).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const rendererDir = resolve(opts.rendererDir ?? join(repoRoot() ?? process.cwd(), 'out', 'renderer'));
  const logError = opts.logError ?? ((what, e) => console.error(`[host] ${what}:`, e));
  const session = new AppSession({
    shell: 'browser',
    imageUrl: '/images/{id}',
    thumbnailUrl: '/thumbs/{id}',
    userDataDir: opts.userDataDir,
    jobs: opts.jobs,
    testApi: opts.testApi ?? process.env.LABELWRIGHT_TEST_API === '1',
  });
  const rpc = createRpcServer(session.handlers(), { logError: (m, e) => logError(`rpc ${m}`, e), deadlineMs: opts.rpcDeadlineMs });
  session.bind(rpc);
  if (opts.project) await session.openProject(opts.project, opts.create === true && !existsSync(resolve(opts.project)));

  let port = 0;
  const cookieName = () => `lw_token_${port}`;
  /** The Host header names a loopback host (any port: see the top of this file); checked before the token. */
  const hostOk = (req: IncomingMessage): boolean => LOOPBACK_HOST.test(req.headers.host ?? '');
  const MISDIRECTED = 'Misdirected request: this Labelwright host answers only to 127.0.0.1, [::1] or localhost.';

  const tokenOk = (candidate: string | undefined | null): boolean => {
    if (!candidate) return false;
    const b = Buffer.from(candidate);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  };
  /** Which credential the request carries, if a valid one. */
  const authorise = (req: IncomingMessage): 'query' | 'header' | 'cookie' | null => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (tokenOk(url.searchParams.get('token'))) return 'query';
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && tokenOk(auth.slice(7).trim())) return 'header';
    const cookies = parseCookies(req.headers.cookie);
    if (tokenOk(cookies[cookieName()])) return 'cookie';
    return null;
  };

  const baseHeaders = (res: ServerResponse) => {
    res.setHeader('Content-Security-Policy', browserHostCsp(port));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  };
  const plain = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(`${text}\n`);
  };

  const sendFile = (req: IncomingMessage, res: ServerResponse, file: string, type: string, cache: string) => {
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return plain(res, 404, 'Not found');
      size = st.size;
    } catch {
      return plain(res, 404, 'Not found');
    }
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': size, 'Cache-Control': cache });
    if (req.method === 'HEAD') return res.end();
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    baseHeaders(res);
    if (!hostOk(req)) return plain(res, 421, MISDIRECTED);
    const how = authorise(req);
    if (!how) return plain(res, 403, 'Forbidden: this Labelwright host needs its token (open the URL it printed).');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed');
    const rawPath = (req.url ?? '/').split('?')[0];
    if (looksLikeTraversal(rawPath)) return plain(res, 403, 'Forbidden');
    if (how === 'query') {
      res.setHeader('Set-Cookie', `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    const segs = rawPath.split('/').filter(Boolean);
    if (segs[0] === 'images' || segs[0] === 'thumbs') {
      const route = segs.length === 2 ? parseImageRoute(segs[0], segs[1]) : null;
      const file = route ? session.imageFile(route.id) : null;
      if (!route || !file) return plain(res, 403, 'Forbidden: not an image of the open project');
      const shown = route.kind === 'image' ? await displayImage(file.path) : { bytes: await session.thumbs.get(file), type: 'image/jpeg' };
      if ('file' in shown) return sendFile(req, res, shown.file, shown.type ?? imageContentType(shown.file), 'private, max-age=300');
      res.writeHead(200, { 'Content-Type': shown.type, 'Content-Length': shown.bytes.length, 'Cache-Control': 'private, max-age=300' });
      return res.end(req.method === 'HEAD' ? undefined : shown.bytes);
    }
    if (segs[0] === RPC_PATH.slice(1)) return plain(res, 426, 'Upgrade to a WebSocket');
    // The built renderer: index.html for `/`, files below rendererDir otherwise.
    const rel = segs.length === 0 ? 'index.html' : decodeURIComponent(segs.join('/'));
    const file = resolve(rendererDir, rel);
    if (file !== rendererDir && !file.startsWith(rendererDir + sep)) return plain(res, 403, 'Forbidden');
    if (rel === 'index.html' && !existsSync(file)) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(
        `<!doctype html><meta charset="utf-8"><title>Labelwright</title><p>The renderer is not built. Run <code>npx electron-vite build</code>, then reload.</p>\n`,
      );
    }
    return sendFile(req, res, file, staticContentType(file), rel === 'index.html' ? 'no-store' : 'private, max-age=3600');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      logError(`${req.method} ${req.url?.split('?')[0]}`, e);
      if (!res.headersSent) plain(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('error', (e) => logError('WebSocket server', e));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The raw socket: a reset or a write after the peer left emits 'error' here, before
    // and after ws takes it over; unhandled, that would end the process.
    socket.on('error', () => undefined);
    const path = (req.url ?? '/').split('?')[0];
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostOk(req)) return refuse('421 Misdirected Request');
    const how = authorise(req);
    if (!how) return refuse('403 Forbidden');
    // Defence in depth against cross-site WebSocket hijacking: a handshake that relies on
    // the cookie alone must come from a page of this host.
    const origin = req.headers.origin;
    if (how === 'cookie' && origin && !sameOrigin(origin, req.headers.host)) return refuse('403 Forbidden');
    if (path !== RPC_PATH) return refuse('404 Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Protocol errors close this connection (ws picks the close code); they are the
      // client's mistake, so they are not logged as host errors.
      rpc.attach(webSocketTransport(ws));
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await session.close();
    })());

  return { url: `http://127.0.0.1:${port}/?token=${token}`, token, port, session, rpc, server, close };
}

const LOOPBACK_HOST = /^(?:127\.0\.0\.1|\[::1\]|localhost)(?::\d{1,5})?$/i;

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

// ---------- CLI: npm run host -- <project.lw> [--port N] [--create] ----------
function usage(): never {
  console.error('usage: npm run host -- [<project.lw>] [--port N] [--create] [--renderer <dir>]');
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  let project: string | undefined;
  let port = 0;
  let create = false;
  let rendererDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') port = Number(argv[++i]);
    else if (a.startsWith('--port=')) port = Number(a.slice(7));
    else if (a === '--create') create = true;
    else if (a === '--renderer') rendererDir = argv[++i];
    else if (a === '--help' || a === '-h') usage();
    else if (a.startsWith('-')) usage();
    else if (!project) project = a;
    else usage();
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage();
  // Bulk jobs load lazily: a build whose inference stack cannot load still serves the editor.
  let jobs: JobServiceFactory | undefined;
  try {
    jobs = (await import('../jobs/index')).createJobService;
  } catch (e) {
    console.error(`labelwright host: bulk jobs are unavailable (${(e as Error).message})`);
  }
  let host: RunningHost;
  try {
    host = await startHost({ project, port, create, rendererDir, jobs });
  } catch (e) {
    const err = e as { message?: string; hint?: string };
    console.error(`labelwright host: ${err.message ?? String(e)}${err.hint ? `\n  ${err.hint}` : ''}`);
    process.exit(1);
  }
  process.stdout.write(`Labelwright host: ${host.url}\n`);
  const stop = (signal: string) => {
    console.error(`labelwright host: ${signal}, closing the project`);
    void host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

const entry = process.argv[1];
if (entry && (import.meta.url === pathToFileURL(entry).href || fileURLToPath(import.meta.url) === resolve(entry))) {
  void main(process.argv.slice(2));
}
