import type { Transport } from './transport';

/**
 * Two connected in-memory transports for tests and benchmarks. Messages are delivered
 * asynchronously and structured-cloned, as a real wire would: nothing is shared by
 * reference. Closing either end closes both, for good.
 */
export function createMemoryTransportPair(): [Transport, Transport] {
  const make = () => ({ listeners: new Set<(m: unknown) => void>(), closeListeners: new Set<(reason?: string) => void>(), closed: false });
  const a = make();
  const b = make();
  const side = (self: ReturnType<typeof make>, other: ReturnType<typeof make>): Transport => ({
    send(message) {
      if (self.closed) throw new Error('transport is closed');
      const copy = structuredClone(message);
      queueMicrotask(() => {
        if (!other.closed) for (const l of [...other.listeners]) l(copy);
      });
    },
    onMessage(listener) {
      self.listeners.add(listener);
      return () => self.listeners.delete(listener);
    },
    onClose(listener) {
      self.closeListeners.add(listener);
    },
    close() {
      for (const s of [self, other]) {
        if (s.closed) continue;
        s.closed = true;
        for (const l of [...s.closeListeners]) l();
      }
    },
  });
  return [side(a, b), side(b, a)];
}
