/**
 * A file server on 127.0.0.1 for download tests: it honours Range, and each file can be
 * told to drop the connection part-way, to serve wrong bytes, to ignore Range, or to
 * trickle so a test can cancel mid-file. It records every request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFile {
  body: Buffer;
  /** Drop the connection after sending this many bytes of the body, for the first `dropTimes` requests (default 1). */
  dropAfter?: number;
  dropTimes?: number;
  /** Serve these bytes instead of `body` (same length keeps Content-Length honest). */
  corrupt?: boolean;
  ignoreRange?: boolean;
  /** Send in chunks of this size with `trickleMs` between them. */
  chunkSize?: number;
  trickleMs?: number;
}

export interface RequestLog {
  path: string;
  range: string | null;
  status: number;
  bytesSent: number;
}

export interface FileServer {
  url(path: string): string;
  files: Map<string, ServedFile>;
  requests: RequestLog[];
  bytesSent(path?: string): number;
  close(): Promise<void>;
}

export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, ServedFile>();
  const requests: RequestLog[] = [];
  const drops = new Map<string, number>();

  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const f = files.get(p);
    const log: RequestLog = { path: p, range: req.headers.range ?? null, status: 0, bytesSent: 0 };
    requests.push(log);
    if (!f) {
      log.status = 404;
      res.writeHead(404).end('not found');
      return;
    }
    let body = f.body;
    if (f.corrupt) {
      body = Buffer.from(f.body);
      for (let i = 0; i < body.length; i += 97) body[i] ^= 0xff;
    }
    let start = 0;
    const total = body.length;
    const m = !f.ignoreRange && log.range ? /^bytes=(\d+)-$/.exec(log.range) : null;
    if (m) {
      start = Number(m[1]);
      if (start >= total) {
        log.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${total}` }).end();
        return;
      }
      log.status = 206;
      res.writeHead(206, {
        'content-length': String(total - start),
        'content-range': `bytes ${start}-${total - 1}/${total}`,
        'accept-ranges': 'bytes',
      });
    } else {
      log.status = 200;
      res.writeHead(200, { 'content-length': String(total), 'accept-ranges': 'bytes' });
    }
    const slice = body.subarray(start);
    const dropped = drops.get(p) ?? 0;
    const drop =
      f.dropAfter !== undefined && dropped < (f.dropTimes ?? 1) ? Math.max(0, f.dropAfter - start) : null;
    if (drop !== null) drops.set(p, dropped + 1);
    const limit = drop !== null ? Math.min(drop, slice.length) : slice.length;
    const chunk = f.chunkSize ?? 64 * 1024;
    let off = 0;
    const pump = (): void => {
      if (res.destroyed) return;
      if (off >= limit) {
        if (drop !== null) res.socket?.destroy();
        else res.end();
        return;
      }
      const piece = slice.subarray(off, Math.min(limit, off + chunk));
      off += piece.length;
      log.bytesSent += piece.length;
      res.write(piece, () => {
        if (f.trickleMs) setTimeout(pump, f.trickleMs);
        else setImmediate(pump);
      });
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p.startsWith('/') ? p : `/${p}`}`,
    files,
    requests,
    bytesSent: (p) => requests.filter((r) => !p || r.path === p).reduce((a, r) => a + r.bytesSent, 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (for "connection refused"). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
