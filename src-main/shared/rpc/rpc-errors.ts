import { LwError } from '../errors';

/**
 * The connection dropped before the answer came: the server may or may not have done it.
 * Callers that can retry (the editor's save queue) wait for the connection and resend.
 */
export class ConnectionLostError extends LwError {
  constructor(reason: string) {
    super('INTERNAL', `Connection lost: ${reason}`);
    this.name = 'ConnectionLostError';
  }
}

/** One line a person can act on: the server's message and its hint, or any error's message. */
export function errorMessage(e: unknown): string {
  if (e instanceof LwError) return e.hint ? `${e.message} — ${e.hint}` : e.message;
  return e instanceof Error ? e.message : String(e);
}
