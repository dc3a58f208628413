/**
 * A message channel between one client and the server: Electron IPC, a WebSocket, or the
 * in-memory pair of the tests. Messages are plain JSON-able values (RpcMessage on the wire);
 * a transport that carries text parses and stringifies at its edge.
 */
export interface Transport {
  send(message: unknown): void;
  /** Returns an unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Called once when the other side goes away. */
  onClose?(listener: () => void): void;
  close?(): void;
}
