import WebSocket from 'ws';
import type { Transport } from '../shared/rpc';

/**
 * A WebSocket as a Transport: one JSON text frame per RPC message. Incoming frames are
 * passed on as text; the RPC server parses (and answers malformed JSON with a validation
 * error), and the Node client parses responses itself.
 */
export function webSocketTransport(ws: WebSocket): Transport {
  return {
    send(message) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    onMessage(listener) {
      const l = (data: WebSocket.RawData) => {
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
        listener(text);
      };
      ws.on('message', l);
      return () => ws.off('message', l);
    },
    onClose(listener) {
      ws.once('close', () => listener());
    },
    close() {
      ws.close();
    },
  };
}

/** Connects a Node client (tests, tools) to a host's `/rpc` endpoint. */
export function connectWebSocket(url: string, headers: Record<string, string> = {}): Promise<Transport> {
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(webSocketTransport(ws)));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
