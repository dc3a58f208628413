import { describe, expect, it } from 'vitest';
import { RpcClient, RpcError, bridgeTransport, type Bridge } from './client';

/** A preload-like bridge whose "main side" answers from a table. */
function fakeBridge(
  answer: (method: string, params: unknown) => unknown,
): Bridge & { emit(event: string, payload: unknown): void } {
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
  it('correlates responses, maps errors to RpcError and tracks idleness', async () => {
    const bridge = fakeBridge((method) => {
      if (method === 'images.nextUnreviewed') return { id: 4 };
      throw new Error('bad params');
    });
    const client = new RpcClient(bridgeTransport(bridge));
    const a = client.call('images.nextUnreviewed', { after: 1 });
    const b = client.call('images.get', { id: 1 });
    expect(client.inFlight).toBe(2);
    const idle = client.idle();
    expect(await a).toEqual({ id: 4 });
    const err = await b.catch((e) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'bad params', hint: 'fix it' });
    await idle;
    expect(client.inFlight).toBe(0);
  });

  it('delivers typed events to subscribers until they unsubscribe', () => {
    const bridge = fakeBridge(() => ({}));
    const client = new RpcClient(bridgeTransport(bridge));
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
      onMessage: () => undefined,
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
