/**
 * The Electron preload's raw message bridge (src-main/preload/index.ts) as a Transport.
 * IPC lives as long as the page, so this transport never closes or reconnects.
 */
import type { Transport } from '../../../src-main/shared/rpc';

export interface Bridge {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

declare global {
  interface Window {
    labelwrightBridge?: Bridge;
  }
}

export function bridgeTransport(bridge: Bridge): Transport {
  return {
    send: (m) => bridge.send(m),
    onMessage: (l) => bridge.onMessage(l),
  };
}
