/** The one RPC client of both sides, its Transport interface and the in-memory pair. */
export type { Transport } from './transport';
export { createMemoryTransportPair } from './memory-transport';
export { RpcClient, type ConnectionState, type RpcClientOptions } from './rpc-client';
export { ConnectionLostError, errorMessage } from './rpc-errors';
