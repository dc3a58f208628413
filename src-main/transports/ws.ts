import WebSocket from 'ws';
import type { Transport } from '../shared/rpc';

/**
 * A WebSocket as a Transport: one JSON text frame per RPC message. Incoming frames are
 * passed on as text; the RPC server parses (and answers malformed JSON with a validation
 * error), and the Node client parses responses itself.
 */
/**
 * The largest RPC message either end accepts (ws `maxPayload`). Masks travel as COCO RLE
 * text: a detailed mask of a 100-megapixel image is a few hundred KB, so 32 MiB holds an
 * `annotations.apply` batch of dozens of them (or an export preview of a big project),
 * while bounding what one message makes the host buffer and parse (JSON text plus the
 * parsed objects, a few times the frame).
 *
 * A bigger message cannot get an RPC error response: ws refuses it while it is still
 * arriving, before its request id can be read, and the WebSocket protocol ends the
 * connection with close code 1009 (Message Too Big). The client's calls in flight then fail
 * with the close reason below; the host stays up and serves every other connection.
 */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

const CLOSE_REASONS: Record<number, string> = {
  1002: 'the peer broke the WebSocket protocol',
  1007: 'a text frame was not valid UTF-8',
  1009: `a message was larger than the ${MAX_MESSAGE_BYTES / 1024 / 1024} MiB limit`,
};

/**
 * `onError` receives protocol errors (oversize frame, bad opcode, invalid UTF-8, ...): ws
 * closes that connection itself, and without an 'error' listener Node would end the process.
 */
export function webSocketTransport(ws: WebSocket, onError: (e: Error) => void = () => undefined): Transport {
  ws.on('error', onError);
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
      ws.once('close', (code: number, reason: Buffer) => {
        const why = reason.length ? reason.toString('utf8') : CLOSE_REASONS[code];
        listener(why ? `connection closed: ${why} (${code})` : undefined);
      });
    },
    close() {
      ws.close();
    },
  };
}

/** Connects a Node client (tests, tools) to a host's `/rpc` endpoint. */
export function connectWebSocket(url: string, headers: Record<string, string> = {}): Promise<Transport> {
  const ws = new WebSocket(url, { headers, maxPayload: MAX_MESSAGE_BYTES });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(webSocketTransport(ws)));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
