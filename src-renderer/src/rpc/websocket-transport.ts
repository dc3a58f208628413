/**
 * The browser's WebSocket to the host (src-main/app/host.ts) as a Transport that
 * reconnects (backoff 250 ms → 5 s) when the host or an SSH tunnel drops. Sends made while
 * it is down throw; the client waits for `ready()` before sending.
 */
import { ConnectionLostError, type Transport } from '../../../src-main/shared/rpc';

/** The browser host's WebSocket endpoint. */
export const RPC_WS_PATH = '/rpc';

/** The host URL carries the token: `http://127.0.0.1:<port>/?token=<token>`. */
export function hostToken(search = location.search): string {
  return new URLSearchParams(search).get('token') ?? '';
}

export function webSocketTransport(url: string): Transport {
  const closeListeners: ((reason?: string) => void)[] = [];
  const openListeners: (() => void)[] = [];
  const messageListeners = new Set<(m: unknown) => void>();
  let ws: WebSocket;
  let ready!: Promise<void>;
  let markOpen!: () => void;
  let delay = 250;
  let everOpen = false;
  let isOpen = false;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const waitForOpen = () => (ready = new Promise<void>((r) => (markOpen = r)));
  waitForOpen();
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
      for (const l of [...messageListeners]) l(m);
    });
    ws.addEventListener('close', (e) => {
      // From now on sends wait for the next open socket.
      if (isOpen) {
        isOpen = false;
        waitForOpen();
        for (const l of closeListeners) l(e.reason || `socket closed (${e.code})`);
      }
      if (stopped) return;
      retry = setTimeout(connect, delay);
      delay = Math.min(5000, delay * 2);
    });
  };
  connect();
  return {
    send: (m) => {
      if (ws.readyState !== WebSocket.OPEN) throw new ConnectionLostError('not connected to the host');
      ws.send(JSON.stringify(m));
    },
    onMessage: (l) => {
      messageListeners.add(l);
      return () => messageListeners.delete(l);
    },
    ready: () => ready,
    onClose: (l) => void closeListeners.push(l),
    onOpen: (l) => void openListeners.push(l),
    close: () => {
      stopped = true;
      clearTimeout(retry);
      ws.close();
    },
  };
}
