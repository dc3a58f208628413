import { RpcResponse, RpcEvent, type EventName, type EventPayload, type Method, type Params, type Result } from '../shared/api';
import { LwError } from '../shared/errors';
import type { Transport } from './types';

export interface RpcClient {
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  /** Sends anything (tests of malformed input); resolves with the raw response for its id, if any. */
  raw(message: unknown, id?: number): Promise<RpcResponse>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  close(): void;
}

/**
 * A typed client for Node (tests, tools) over any Transport. Errors come back as LwError
 * with the server's code, message and hint. The renderer has its own client (src-renderer/src/rpc).
 */
export function createRpcClient(transport: Transport, opts: { timeoutMs?: number } = {}): RpcClient {
  let nextId = 1;
  const pending = new Map<number, (r: RpcResponse) => void>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let closed = false;

  const off = transport.onMessage((raw) => {
    let m: unknown = raw;
    if (typeof raw === 'string') {
      try {
        m = JSON.parse(raw);
      } catch {
        return;
      }
    }
    const res = RpcResponse.safeParse(m);
    if (res.success) {
      const p = pending.get(res.data.id);
      if (p) {
        pending.delete(res.data.id);
        p(res.data);
      }
      return;
    }
    const ev = RpcEvent.safeParse(m);
    if (ev.success) for (const l of [...(listeners.get(ev.data.event) ?? [])]) l(ev.data.payload);
  });
  const failAll = () => {
    closed = true;
    for (const [id, p] of pending) p({ type: 'response', id, ok: false, error: { code: 'INTERNAL', message: 'Connection closed' } });
    pending.clear();
  };
  transport.onClose?.(failAll);

  function raw(message: unknown, id?: number): Promise<RpcResponse> {
    if (closed) return Promise.reject(new LwError('INTERNAL', 'Connection closed'));
    const key = id ?? (message as { id?: number })?.id ?? -1;
    return new Promise((resolve, reject) => {
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            pending.delete(key);
            reject(new LwError('INTERNAL', `No response within ${opts.timeoutMs} ms`));
          }, opts.timeoutMs)
        : null;
      pending.set(key, (r) => {
        if (timer) clearTimeout(timer);
        resolve(r);
      });
      transport.send(message);
    });
  }

  return {
    async call(method, params) {
      const id = nextId++;
      const res = await raw({ type: 'request', id, method, params }, id);
      if (res.ok) return res.result as never;
      throw new LwError(res.error.code, res.error.message, res.error.hint, { details: res.error.details });
    },
    raw,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    close() {
      off();
      failAll();
      transport.close?.();
    },
  };
}
