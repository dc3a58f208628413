/**
 * The renderer's RPC client, typed from the method table in src-main/shared/api.ts (types
 * only: the server validates every request with the contract's zod schemas).
 *
 * Transports: the Electron preload's raw bridge (`window.labelwrightBridge`) when present,
 * else a WebSocket to the browser host at `ws://<host>${RPC_WS_PATH}?token=<token>`.
 */
import type {
  EventName,
  EventPayload,
  Method,
  Params,
  Result,
  RpcEvent,
  RpcRequest,
  RpcResponse,
} from '../../../src-main/shared/api';
import type { ErrorPayload } from '../../../src-main/shared/contract';

/** The browser host's WebSocket endpoint (src-main/app/host.ts). */
export const RPC_WS_PATH = '/rpc';

export interface Bridge {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

declare global {
  interface Window {
    labelwrightBridge?: Bridge;
  }
}

export class RpcError extends Error {
  readonly code: ErrorPayload['code'];
  readonly hint?: string;
  readonly details?: unknown;
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'RpcError';
    this.code = payload.code;
    this.hint = payload.hint;
    this.details = payload.details;
  }
}

/** The connection dropped before the answer came: the server may or may not have done it. */
export class ConnectionLostError extends RpcError {
  constructor(reason: string) {
    super({ code: 'INTERNAL', message: `Connection lost: ${reason}` });
    this.name = 'ConnectionLostError';
  }
}

type Listener = (payload: unknown) => void;

export interface Transport {
  send(message: RpcRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Resolves once messages can be sent. */
  ready: Promise<void> | (() => Promise<void>);
  /** The connection dropped: requests in flight will get no answer. */
  onClose?(listener: (reason: string) => void): void;
  /** A reconnecting transport is connected again. */
  onOpen?(listener: () => void): void;
}

export type ConnectionState = 'connected' | 'reconnecting';

export class RpcClient {
  private nextId = 1;
  private pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void; method: string }
  >();
  private listeners = new Map<string, Set<Listener>>();
  private idleWaiters: (() => void)[] = [];
  private connectionListeners = new Set<(s: ConnectionState) => void>();

  constructor(private transport: Transport) {
    transport.onMessage((m) => this.receive(m));
    transport.onClose?.((reason) => {
      // Answers to requests in flight are lost; callers reload what they need on reconnect.
      for (const [, p] of this.pending) p.reject(new ConnectionLostError(reason));
      this.pending.clear();
      this.settle();
      for (const l of this.connectionListeners) l('reconnecting');
    });
    transport.onOpen?.(() => {
      for (const l of this.connectionListeners) l('connected');
    });
  }

  onConnection(listener: (s: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Resolves when the transport is connected (at once when it is). */
  whenConnected(): Promise<void> {
    return this.ready();
  }

  private ready(): Promise<void> {
    const r = this.transport.ready;
    return typeof r === 'function' ? r() : r;
  }

  /** Calls one method; rejects with RpcError carrying the contract's error code. */
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    return this.request(method, { type: 'request', method, params }) as Promise<Result<M>>;
  }

  /** Sends a message as is (the security e2e uses it for malformed requests). */
  raw(message: unknown): Promise<unknown> {
    return this.request('raw', message as object);
  }

  /** Registers the request at once (so idle() counts it), then sends it when connected. */
  private request(method: string, message: object): Promise<unknown> {
    const id = this.nextId++;
    const result = new Promise<unknown>((resolve, reject) =>
      this.pending.set(id, { resolve, reject, method }),
    );
    const fail = (e: unknown) => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      p.reject(e);
      this.settle();
    };
    this.ready().then(() => {
      if (!this.pending.has(id)) return; // dropped with the connection meanwhile
      try {
        this.transport.send({ ...message, id } as RpcRequest);
      } catch (e) {
        fail(e);
      }
    }, fail);
    return result;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set!.delete(listener as Listener);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Resolves when no request is awaiting its response. */
  idle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private settle() {
    if (this.pending.size) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private receive(raw: unknown) {
    const m = raw as RpcResponse | RpcEvent;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'response') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new RpcError(m.error));
      this.settle();
    } else if (m.type === 'event') {
      const set = this.listeners.get(m.event);
      if (set) for (const l of [...set]) l(m.payload);
    }
  }
}

export function bridgeTransport(bridge: Bridge): Transport {
  return {
    send: (m) => bridge.send(m),
    onMessage: (l) => void bridge.onMessage(l),
    ready: Promise.resolve(),
  };
}

/**
 * A WebSocket that reconnects (backoff 250 ms → 5 s) when the host or an SSH tunnel drops.
 * Sends wait for the socket to be open.
 */
export function webSocketTransport(url: string): Transport {
  const closeListeners: ((r: string) => void)[] = [];
  const openListeners: (() => void)[] = [];
  const messageListeners: ((m: unknown) => void)[] = [];
  let ws: WebSocket;
  let ready!: Promise<void>;
  let markOpen!: () => void;
  let delay = 250;
  let everOpen = false;
  const waitForOpen = () => (ready = new Promise<void>((r) => (markOpen = r)));
  waitForOpen();
  let isOpen = false;
  const connect = () => {
    ws = new WebSocket(url);
    ws.addEventListener('open', () => {
      delay = 250;
      isOpen = true;
      markOpen();
      if (everOpen) for (const l of openListeners) l();
      everOpen = true;
    });
    ws.addEventListener('message', (e) => {
      let m: unknown;
      try {
        m = JSON.parse(String(e.data));
      } catch {
        return; // not JSON: ignore
      }
      for (const l of messageListeners) l(m);
    });
    ws.addEventListener('close', (e) => {
      // From now on sends wait for the next open socket.
      if (isOpen) {
        isOpen = false;
        waitForOpen();
        for (const l of closeListeners) l(e.reason || `socket closed (${e.code})`);
      }
      setTimeout(connect, delay);
      delay = Math.min(5000, delay * 2);
    });
  };
  connect();
  return {
    send: (m) => {
      if (ws.readyState !== WebSocket.OPEN) throw new ConnectionLostError('not connected to the host');
      ws.send(JSON.stringify(m));
    },
    onMessage: (l) => void messageListeners.push(l),
    ready: () => ready,
    onClose: (l) => void closeListeners.push(l),
    onOpen: (l) => void openListeners.push(l),
  };
}

/** The host URL carries the token: `http://127.0.0.1:<port>/?token=<token>`. */
export function hostToken(search = location.search): string {
  return new URLSearchParams(search).get('token') ?? '';
}

export function createClient(): RpcClient {
  if (window.labelwrightBridge) return new RpcClient(bridgeTransport(window.labelwrightBridge));
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${proto}//${location.host}${RPC_WS_PATH}?token=${encodeURIComponent(hostToken())}`;
  return new RpcClient(webSocketTransport(url));
}

export function errorMessage(e: unknown): string {
  if (e instanceof RpcError) return e.hint ? `${e.message} — ${e.hint}` : e.message;
  return e instanceof Error ? e.message : String(e);
}
