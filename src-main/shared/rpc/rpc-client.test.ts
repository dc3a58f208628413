import { describe, expect, it } from 'vitest';
import { LwError } from '../errors';
import { createMemoryTransportPair } from './memory-transport';
import { RpcClient } from './rpc-client';
import { ConnectionLostError } from './rpc-errors';
import type { Transport } from './transport';

/** A preload-like bridge whose "main side" answers from a table. */
function fakeBridge(
  answer: (method: string, params: unknown) => unknown,
): Transport & { emit(event: string, payload: unknown): void } {
  let listener: (m: unknown) => void = () => undefined;
  return {
    send(m: any) {
      queueMicrotask(() => {
        try {
          listener({ type: 'response', id: m.id, ok: true, result: answer(m.method, m.params) });
        } catch (e) {
          listener({
            type: 'response',
            id: m.id,
            ok: false,
            error: { code: 'INVALID_ARGUMENT', message: (e as Error).message, hint: 'fix it' },
          });
        }
      });
    },
    onMessage(l) {
      listener = l;
      return () => undefined;
    },
    emit(event, payload) {
      listener({ type: 'event', event, payload });
    },
  };
}

describe('RpcClient', () => {
  it('correlates responses, maps errors to LwError and tracks idleness', async () => {
    const bridge = fakeBridge((method) => {
      if (method === 'images.nextUnreviewed') return { id: 4 };
      throw new Error('bad params');
    });
    const client = new RpcClient(bridge);
    const a = client.call('images.nextUnreviewed', { after: 1 });
    const b = client.call('images.get', { id: 1 });
    expect(client.inFlight).toBe(2);
    const idle = client.idle();
    expect(await a).toEqual({ id: 4 });
    const err = await b.catch((e) => e);
    expect(err).toBeInstanceOf(LwError);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'bad params', hint: 'fix it' });
    await idle;
    expect(client.inFlight).toBe(0);
  });

  it('delivers typed events to subscribers until they unsubscribe', () => {
    const bridge = fakeBridge(() => ({}));
    const client = new RpcClient(bridge);
    const seen: number[] = [];
    const off = client.on('jobs.progress', (p) => seen.push(p.done));
    bridge.emit('jobs.progress', { jobId: 1, done: 3 });
    bridge.emit('images.changed', { ids: [1] });
    off();
    bridge.emit('jobs.progress', { jobId: 1, done: 4 });
    expect(seen).toEqual([3]);
  });

  it('rejects requests in flight when the connection drops and reports reconnecting', async () => {
    let close: (r: string) => void = () => undefined;
    let open: () => void = () => undefined;
    const client = new RpcClient({
      ready: () => Promise.resolve(),
      send: () => undefined, // never answered
      onMessage: () => () => undefined,
      onClose: (l) => (close = l),
      onOpen: (l) => (open = l),
    });
    const states: string[] = [];
    client.onConnection((s) => states.push(s));
    const p = client.call('session.info', {});
    await Promise.resolve();
    close('tunnel down');
    await expect(p).rejects.toMatchObject({ code: 'INTERNAL' });
    open();
    expect(states).toEqual(['reconnecting', 'connected']);
    await client.idle();
  });
});

describe('RpcClient over a transport that cannot reconnect', () => {
  it('times out a request that gets no answer', async () => {
    const [, clientSide] = createMemoryTransportPair(); // nobody answers on the other end
    const client = new RpcClient(clientSide, { timeoutMs: 20 });
    await expect(client.call('session.info', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'No response within 20 ms' });
    expect(client.inFlight).toBe(0);
  });

  it('parses text frames, hands back raw responses by their own id, and fails everything once closed', async () => {
    const [serverSide, clientSide] = createMemoryTransportPair();
    serverSide.onMessage((m) => {
      const req = m as { id: number; method?: string };
      const res = req.method === 'session.info' ? { ok: true, result: { x: 1 } } : { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'no method' } };
      serverSide.send(JSON.stringify({ type: 'response', id: req.id, ...res })); // as a WebSocket passes it on
    });
    const client = new RpcClient(clientSide);
    const states: string[] = [];
    client.onConnection((s) => states.push(s));
    expect(await client.call('session.info', {})).toEqual({ x: 1 });
    expect(await client.rawResponse({ type: 'request', id: 42, params: {} })).toMatchObject({ id: 42, ok: false, error: { code: 'INVALID_ARGUMENT' } });
    await expect(client.raw({ type: 'request', method: 'nope', params: {} })).rejects.toBeInstanceOf(LwError);

    serverSide.close!();
    await expect(client.call('session.info', {})).rejects.toBeInstanceOf(ConnectionLostError);
    await expect(client.whenConnected()).rejects.toBeInstanceOf(ConnectionLostError);
    expect(states).toEqual([]); // a final close is not 'reconnecting'
  });
});
