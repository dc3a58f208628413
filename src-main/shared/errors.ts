import type { ErrorCode, ErrorPayload } from './contract';

/**
 * The one error type services throw. `message` is one line a person can act on;
 * `hint` says what to do next. Transports and the CLI map it to the wire payload.
 */
export class LwError extends Error {
  readonly details: unknown;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(message, options);
    this.details = options?.details;
    this.name = 'LwError';
  }

  toPayload(): ErrorPayload {
    const p: ErrorPayload = { code: this.code, message: this.message };
    if (this.hint) p.hint = this.hint;
    if (this.details !== undefined) p.details = this.details;
    return p;
  }
}

export function isLwError(e: unknown): e is LwError {
  return e instanceof LwError;
}
