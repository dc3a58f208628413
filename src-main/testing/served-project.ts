/**
 * A real project served over RPC, for tests of code that talks to the main side only
 * through the client (the renderer's editor store): the real AppSession and services on a
 * temporary project file, the real RPC server, and the in-memory transport pair.
 *
 * The pair is wrapped into a connection that can drop around one request and come back a
 * few milliseconds later, as the renderer's WebSocket to the host does; the tests of lost
 * answers need that, and the pair itself closes for good.
 */
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Method, RpcRequest } from '../shared/api';
import type { Annotation, Category } from '../shared/contract';
import { RpcClient, createMemoryTransportPair, type Transport } from '../shared/rpc';
import { AppSession } from '../app/session';
import type { ProjectService } from '../services/project-service';
import { createRpcServer, type RpcServer } from '../transports/rpc-server';
import { afterEach } from 'vitest';
import { useTmp } from './tmp';
import { insertImages, insertPredictions } from './workspace-fixture';

export interface ServedProject {
  client: RpcClient;
  session: AppSession;
  /** The open project (seed it with ./workspace-fixture). */
  project: ProjectService;
  /** Every request the client sent, in order. */
  requests: { method: string; params: unknown }[];
  /**
   * Drops the connection around the next request of `method`: 'before' it reaches the
   * server, or 'after' the server handled it (its answer is lost). It reconnects by itself.
   */
  dropNext(method: Method, when: 'before' | 'after'): void;
  close(): Promise<void>;
}

/** Creates `<dir>/project.lw` (user data in `<dir>/user-data`) and serves it to a new client. */
export async function serveProject(dir: string): Promise<ServedProject> {
  const session = new AppSession({
    shell: 'browser',
    imageUrl: '/images/{id}',
    thumbnailUrl: '/thumbs/{id}',
    userDataDir: join(dir, 'user-data'),
  });
  const server = createRpcServer(session.handlers());
  session.bind(server);
  const link = reconnectingLink(server);
  // Long enough for a first model call on a loaded 2-core machine (it starts a worker thread and loads the graphs); a hung call still fails well inside the test timeout.
  const client = new RpcClient(link.transport, { timeoutMs: 30_000 });
  await client.call('project.create', { path: join(dir, 'project.lw') });
  link.requests.length = 0;
  return {
    client,
    session,
    project: session.requireProject(),
    requests: link.requests,
    dropNext: link.dropNext,
    close: async () => {
      client.close();
      await session.close();
    },
  };
}

export interface ServedImage {
  srv: ServedProject;
  /** The first of two 100×80 images (real PNG files, so that the file check finds them). */
  imageId: number;
  /** Category 'red' (hotkey 1), the project's only one. */
  categoryId: number;
  categories: Category[];
  /** The pending annotations of the model output made at the start. */
  preds: number[];
  /** More model output on the image, as a bulk job writes it; returns the annotation ids. */
  predict(scores: number[]): number[];
  /** The image's annotations as the server has them. */
  rows(): Promise<Annotation[]>;
  /** The `annotations.apply` calls the client made. */
  applies(): ServedProject['requests'];
  /** Removes the image's file from the disk (as a person moving it away would); returns its path. */
  removeFile(): string;
}

/**
 * A served project with two images and one category, and model output on the first image:
 * one pending prediction ([10, 10, 20, 20]) per score.
 */
export async function serveImage(dir: string, scores: number[] = []): Promise<ServedImage> {
  const srv = await serveProject(dir);
  const cat = await srv.client.call('categories.add', { name: 'red', hotkey: '1' });
  // Real files, so that opening an image finds them as added (the editor edits only those).
  const files = await Promise.all(['x.png', 'y.png'].map((n, i) => writePng(join(dir, n), 100 + i)));
  const [imageId] = insertImages(srv.project, files);
  const predict = (more: number[]) =>
    insertPredictions(
      srv.project,
      more.map((score) => ({ imageId, categoryId: cat.id, bbox: [10, 10, 20, 20], score })),
    ).map(([, annotationId]) => annotationId!);
  const preds = predict(scores);
  const categories: Category[] = await srv.client.call('categories.list', {});
  srv.requests.length = 0;
  return {
    srv,
    imageId,
    categoryId: cat.id,
    categories,
    preds,
    predict,
    rows: async () => (await srv.client.call('images.get', { id: imageId })).annotations,
    applies: () => srv.requests.filter((r) => r.method === 'annotations.apply'),
    removeFile: () => {
      rmSync(files[0].path);
      return files[0].path;
    },
  };
}

/** A 100×80 grey PNG at `path` (`grey` tells files apart), as a fixture image row with its real hash and size. */
async function writePng(path: string, grey: number): Promise<{ path: string; hash: string; bytes: number }> {
  const png = await sharp({ create: { width: 100, height: 80, channels: 3, background: { r: grey, g: grey, b: grey } } })
    .png()
    .toBuffer();
  writeFileSync(path, png);
  return { path, hash: createHash('sha256').update(png).digest('hex'), bytes: png.length };
}

/** serveImage in a fresh folder per call; everything is closed and removed after the test. */
export function useServedImage(): (scores?: number[]) => Promise<ServedImage> {
  const tmp = useTmp();
  const served: ServedProject[] = [];
  afterEach(async () => {
    for (const p of served.splice(0)) await p.close();
  });
  return async (scores = []) => {
    const image = await serveImage(tmp(), scores);
    served.push(image.srv);
    return image;
  };
}

/** The delay before a dropped connection is back. */
const RECONNECT_MS = 5;

/**
 * A client transport over a fresh in-memory pair per connection, with the reconnecting
 * transport's `onOpen` and `ready` (a close is not final).
 */
function reconnectingLink(server: RpcServer) {
  const messageListeners = new Set<(m: unknown) => void>();
  const closeListeners = new Set<(reason?: string) => void>();
  const openListeners = new Set<() => void>();
  const requests: ServedProject['requests'] = [];
  let drop: { method: string; when: 'before' | 'after' } | null = null;
  /** The request whose answer is to be lost. */
  let lostId: number | null = null;
  let clientEnd!: Transport;
  let ready: Promise<void> = Promise.resolve();

  const connect = () => {
    const [serverEnd, end] = createMemoryTransportPair();
    clientEnd = end;
    end.onMessage((m) => {
      for (const l of [...messageListeners]) l(m);
    });
    server.attach({
      ...serverEnd,
      send(m) {
        if ((m as { id?: number }).id !== lostId || lostId === null) return serverEnd.send(m);
        lostId = null;
        disconnect('dropped after the server answered');
      },
    });
  };

  const disconnect = (reason: string) => {
    clientEnd.close?.(); // the server detaches its end
    for (const l of [...closeListeners]) l(reason);
    ready = new Promise((resolve) =>
      setTimeout(() => {
        connect();
        resolve();
        for (const l of [...openListeners]) l();
      }, RECONNECT_MS),
    );
  };

  connect();
  const transport: Transport = {
    send(m) {
      const req = m as RpcRequest;
      requests.push({ method: req.method, params: structuredClone(req.params) });
      if (drop && req.method === drop.method) {
        const { when } = drop;
        drop = null;
        if (when === 'before') return disconnect('dropped before the server saw the request');
        lostId = req.id;
      }
      clientEnd.send(m);
    },
    onMessage(l) {
      messageListeners.add(l);
      return () => messageListeners.delete(l);
    },
    onClose: (l) => void closeListeners.add(l),
    onOpen: (l) => void openListeners.add(l),
    ready: () => ready,
  };
  return {
    transport,
    requests,
    dropNext: (method: Method, when: 'before' | 'after') => {
      drop = { method, when };
    },
  };
}
