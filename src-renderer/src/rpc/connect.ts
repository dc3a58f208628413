/**
 * The renderer's one client: over the Electron preload's bridge when the page runs in the
 * app, else over a WebSocket to the browser host at `ws://<host>/rpc?token=<token>`.
 */
import { RpcClient } from '../../../src-main/shared/rpc';
import { bridgeTransport } from './bridge-transport';
import { RPC_WS_PATH, hostToken, webSocketTransport } from './websocket-transport';

export function createClient(): RpcClient {
  if (window.labelwrightBridge) return new RpcClient(bridgeTransport(window.labelwrightBridge));
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${proto}//${location.host}${RPC_WS_PATH}?token=${encodeURIComponent(hostToken())}`;
  return new RpcClient(webSocketTransport(url));
}
