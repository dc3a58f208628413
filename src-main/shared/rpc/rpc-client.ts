/**
 * The one RPC client, used by the renderer and by Node (tests, benchmarks, e2e support).
 * Typed from the method and event tables in ../api.ts; the server validates every request
 * with the contract's zod schemas, so the client checks only the envelope of what comes back.
 *
 * A transport that reconnects (it has `onOpen`, e.g. the renderer's WebSocket to the host)
 * makes the client report 'reconnecting' when it drops and 'connected' when it is back;
 * calls made meanwhile wait for `transport.ready()`. Any other transport's close is final.
 */
import { RpcEvent, RpcResponse, type EventName, type EventPayload, type Method, type Params, type Result } from '../api';
import { LwError } from '../errors';
import { ConnectionLostError } from './rpc-errors';
import type { Transport } from './transport';

export type ConnectionState = 'connected' | 'reconnecting';

export interface RpcClientOptions {
  /** A request with no answer within this time rejects (INTERNAL). Default: wait forever. */
  timeoutMs?: number;
}

interface Pending {
  answer(res: RpcResponse): void;
  fail(e: unknown): void;
  timer?: ReturnType<typeof setTimeout>;
}

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly connectionListeners = new Set<(s: ConnectionState) => void>();
  private idleWaiters: (() => void)[] = [];
  /** Why the client can send no more: its transport closed for good, or close() was called. */
  private closedReason: string | null = null;
  private readonly offMessage: () => void;

  constructor(
    private readonly transport: Transport,
    private readonly opts: RpcClientOptions = {},
  ) {
    this.offMessage = transport.onMessage((m) => this.receive(m));
    transport.onClose?.((reason) => this.dropped(reason || 'connection closed'));
    transport.onOpen?.(() => this.emitState('connected'));
  }

  /** Calls one method; a server error rejects with LwError carrying the contract's code, hint and details. */
  async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const id = this.nextId++;
    return resultOf(await this.exchange({ type: 'request', id, method, params }, id)) as Result<M>;
  }

  /** An unchecked request (any method, any params; the security e2e sends malformed ones), sent with a fresh id; settles like call(). */
  async raw(message: unknown): Promise<unknown> {
    const id = this.nextId++;
    return resultOf(await this.exchange({ ...(message as object), id }, id));
  }

  /**
   * Sends a message exactly as given and resolves with the server's response to its id
   * (-1 when it has none), whether ok or not: for tests of malformed input.
   */
  rawResponse(message: unknown): Promise<RpcResponse> {
    const id = (message as { id?: unknown } | null)?.id;
    return this.exchange(message, typeof id === 'number' ? id : -1);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as (payload: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  /** 'reconnecting' when a reconnecting transport drops, 'connected' when it is back. */
  onConnection(listener: (s: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Resolves when the transport can send (at once when it can); rejects once it is closed for good. */
  whenConnected(): Promise<void> {
    if (this.closedReason !== null) return Promise.reject(new ConnectionLostError(this.closedReason));
    return this.transport.ready?.() ?? Promise.resolve();
  }

  /** Requests awaiting their response. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Resolves when no request is awaiting its response. */
  idle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops listening, rejects the requests in flight and closes the transport. */
  close(): void {
    this.closedReason ??= 'the client was closed';
    this.offMessage();
    this.failAll(new ConnectionLostError(this.closedReason));
    this.transport.close?.();
  }

  /** Registers the request at once (so idle() counts it), then sends it when the transport is ready. */
  private exchange(message: unknown, id: number): Promise<RpcResponse> {
    if (this.closedReason !== null) return Promise.reject(new ConnectionLostError(this.closedReason));
    const response = new Promise<RpcResponse>((answer, fail) => {
      const p: Pending = { answer, fail };
      const ms = this.opts.timeoutMs;
      if (ms) p.timer = setTimeout(() => this.finish(id, (q) => q.fail(new LwError('INTERNAL', `No response within ${ms} ms`))), ms);
      this.pending.set(id, p);
    });
    const send = () => {
      if (!this.pending.has(id)) return; // dropped with the connection (or timed out) meanwhile
      try {
        this.transport.send(message);
      } catch (e) {
        this.finish(id, (q) => q.fail(e));
      }
    };
    const ready = this.transport.ready;
    if (ready) ready.call(this.transport).then(send, (e: unknown) => this.finish(id, (q) => q.fail(e)));
    else send();
    return response;
  }

  private finish(id: number, settle: (p: Pending) => void) {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    settle(p);
    this.notifyIdle();
  }

  private failAll(error: Error) {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      if (p.timer) clearTimeout(p.timer);
      p.fail(error);
    }
    this.notifyIdle();
  }

  private dropped(reason: string) {
    const reconnects = Boolean(this.transport.onOpen) && this.closedReason === null;
    if (!reconnects) this.closedReason ??= reason;
    // Answers to requests in flight are lost; callers reload or resend what they need on reconnect.
    this.failAll(new ConnectionLostError(reason));
    if (reconnects) this.emitState('reconnecting');
  }

  private emitState(s: ConnectionState) {
    for (const l of [...this.connectionListeners]) l(s);
  }

  private notifyIdle() {
    if (this.pending.size) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private receive(raw: unknown) {
    let m = raw;
    if (typeof raw === 'string') {
      try {
        m = JSON.parse(raw);
      } catch {
        return; // not JSON: nothing to answer
      }
    }
    const type = (m as { type?: unknown } | null)?.type;
    if (type === 'response') {
      const res = RpcResponse.safeParse(m);
      if (res.success) {
        this.finish(res.data.id, (p) => p.answer(res.data));
        return;
      }
      // A response the contract does not describe (e.g. a newer server's error code): fail its call rather than leave it hanging.
      const id = (m as { id?: unknown }).id;
      if (typeof id === 'number') this.finish(id, (p) => p.fail(new LwError('INTERNAL', `Malformed RPC response: ${res.error.issues[0]?.message ?? 'invalid'}`)));
    } else if (type === 'event') {
      const ev = RpcEvent.safeParse(m);
      if (ev.success) for (const l of [...(this.listeners.get(ev.data.event) ?? [])]) l(ev.data.payload);
    }
  }
}

function resultOf(res: RpcResponse): unknown {
  if (res.ok) return res.result;
  throw new LwError(res.error.code, res.error.message, res.error.hint, { details: res.error.details });
}
