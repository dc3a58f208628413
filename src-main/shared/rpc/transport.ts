/**
 * A message channel between one client and the server: Electron IPC, a WebSocket, or the
 * in-memory pair of the tests. Both ends of the RPC use it: the client (rpc-client.ts) and
 * the server (src-main/transports/rpc-server.ts). Messages are plain JSON-able values
 * (RpcMessage on the wire); a transport that carries text may pass the text on, and the
 * receiving side parses it.
 */
export interface Transport {
  /** May throw when the channel is not open; the client turns that into a rejected call. */
  send(message: unknown): void;
  /** Returns an unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** The other side went away; requests in flight will get no answer. */
  onClose?(listener: (reason?: string) => void): void;
  /**
   * Only a transport that reconnects has it (the renderer's WebSocket to the host): it is
   * open again after a close. Without it, a close is final.
   */
  onOpen?(listener: () => void): void;
  /** Resolves once messages can be sent; absent: they always can. */
  ready?(): Promise<void>;
  close?(): void;
}
