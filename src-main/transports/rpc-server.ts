import type { z } from 'zod';
import {
  api,
  events,
  RpcMessage,
  RpcRequest,
  type Api,
  type EventName,
  type EventPayload,
  type Method,
  type Result,
  type RpcEvent,
  type RpcResponse,
} from '../shared/api';
import type { ErrorPayload } from '../shared/contract';
import { LwError, isLwError } from '../shared/errors';
import type { Transport } from '../shared/rpc';

/** A handler gets the params after zod parsing (defaults applied) and returns the contract result. */
export type Handler<M extends Method> = (params: z.output<Api[M]['input']>) => Result<M> | Promise<Result<M>>;
export type Handlers = { [M in Method]?: Handler<M> };

export interface RpcServerOptions {
  /** Called for every event the server emits (after it went to the attached connections). */
  onEvent?: (event: RpcEvent) => void;
  /**
   * Check results against the method's output schema and fail the call (INTERNAL) when a
   * service returned a field the contract does not name. Default: on unless
   * NODE_ENV=production. Results are always parsed (unknown keys stripped) before sending.
   */
  strictResults?: boolean;
  /** Where unexpected errors are reported (their stacks never reach the client). Default console.error. */
  logError?: (method: string, error: unknown) => void;
  /**
   * How long a request may take before its caller gets an error (ms). Default 120 s: far
   * beyond any interactive call, short enough that a stuck handler is reported. The work
   * itself is not stopped (a promise cannot be), its late result is dropped; the server
   * never waits on one request before answering the next.
   */
  deadlineMs?: number;
  /** Per-method deadlines, for calls that legitimately run long and report progress events. */
  methodDeadlineMs?: Partial<Record<Method, number>>;
}

export const DEFAULT_DEADLINE_MS = 120_000;
/**
 * Adding a big folder, exporting a big project, downloading or hashing a model take minutes,
 * not seconds, and a native file dialog waits for a person.
 */
export const LONG_DEADLINE_MS = 6 * 60 * 60 * 1000;
const LONG_METHODS: Partial<Record<Method, number>> = {
  'dialog.pick': LONG_DEADLINE_MS,
  'models.verify': LONG_DEADLINE_MS,
  'project.addFolder': LONG_DEADLINE_MS,
  'export.coco': LONG_DEADLINE_MS,
  'models.download': LONG_DEADLINE_MS,
  'models.import': LONG_DEADLINE_MS,
};

export interface RpcServer {
  /** Handles one incoming wire message (object or JSON text); resolves to the response, or null for non-requests. */
  handle(raw: unknown): Promise<RpcResponse | null>;
  /** Serves one connection: requests in, responses and events out. Returns a detach function. */
  attach(connection: Transport): () => void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Number of attached connections. */
  readonly connections: number;
}

/**
 * The generic RPC server: every incoming message is validated as an RpcRequest, its params
 * against `api[method].input`; the handler's result is parsed with `api[method].output`.
 * LwError becomes `{ok:false, error}`; anything else becomes INTERNAL with a generic
 * message (no stack). A malformed message gets a validation error response, never a crash.
 */
export function createRpcServer(handlers: Handlers, opts: RpcServerOptions = {}): RpcServer {
  const strict = opts.strictResults ?? process.env.NODE_ENV !== 'production';
  const logError = opts.logError ?? ((method, e) => console.error(`[rpc] ${method} failed:`, e));
  const conns = new Set<Transport>();
  const deadlines = { ...LONG_METHODS, ...opts.methodDeadlineMs };
  const deadlineOf = (method: Method) => deadlines[method] ?? opts.deadlineMs ?? DEFAULT_DEADLINE_MS;

  const fail = (id: number, error: ErrorPayload): RpcResponse => ({ type: 'response', id, ok: false, error });

  async function handle(raw: unknown): Promise<RpcResponse | null> {
    let msg: unknown = raw;
    if (typeof raw === 'string' || raw instanceof Uint8Array) {
      const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
      try {
        msg = JSON.parse(text);
      } catch {
        return fail(-1, { code: 'INVALID_ARGUMENT', message: 'Malformed RPC message: not valid JSON' });
      }
    }
    const idOf = (m: unknown) => {
      const id = (m as { id?: unknown } | null)?.id;
      return typeof id === 'number' && Number.isInteger(id) ? id : -1;
    };
    // A request is checked as one, so that the error names the field (a union says only "Invalid input").
    const isRequest = (msg as { type?: unknown } | null)?.type === 'request';
    const parsed = (isRequest ? RpcRequest : RpcMessage).safeParse(msg);
    if (!parsed.success) {
      return fail(idOf(msg), {
        code: 'INVALID_ARGUMENT',
        message: `Malformed RPC message: ${formatIssues(parsed.error.issues)}`,
        details: issueList(parsed.error.issues),
      });
    }
    const m = parsed.data;
    if (m.type !== 'request') return null; // responses and events are not for the server
    if (!Object.hasOwn(api, m.method)) {
      return fail(m.id, { code: 'INVALID_ARGUMENT', message: `Unknown method "${m.method}"` });
    }
    const method = m.method as Method;
    const spec = api[method];
    const params = spec.input.safeParse(m.params ?? {});
    if (!params.success) {
      return fail(m.id, {
        code: 'INVALID_ARGUMENT',
        message: `Invalid params for ${method}: ${formatIssues(params.error.issues)}`,
        details: issueList(params.error.issues),
      });
    }
    const handler = handlers[method] as ((p: unknown) => unknown) | undefined;
    if (!handler) {
      return fail(m.id, { code: 'INTERNAL', message: `${method} is not available in this build` });
    }
    try {
      const result = await withDeadline(method, deadlineOf(method), () => handler(params.data), logError);
      const out = spec.output.safeParse(result);
      if (!out.success) {
        logError(method, new Error(`result does not match the contract: ${formatIssues(out.error.issues)}`));
        return fail(m.id, { code: 'INTERNAL', message: `${method} returned a result that does not match the contract` });
      }
      if (strict) {
        const extra = unknownKeys(result, out.data);
        if (extra.length) {
          logError(method, new Error(`result has fields the contract does not name: ${extra.join(', ')}`));
          return fail(m.id, { code: 'INTERNAL', message: `${method} returned fields the contract does not name: ${extra.join(', ')}` });
        }
      }
      return { type: 'response', id: m.id, ok: true, result: out.data };
    } catch (e) {
      if (isLwError(e)) return fail(m.id, e.toPayload());
      logError(method, e);
      return fail(m.id, { code: 'INTERNAL', message: `${method} failed unexpectedly`, hint: 'See the application log for details.' });
    }
  }

  function attach(conn: Transport): () => void {
    conns.add(conn);
    const off = conn.onMessage((raw) => {
      void handle(raw).then((res) => {
        if (res && conns.has(conn)) conn.send(res);
      });
    });
    const detach = () => {
      off();
      conns.delete(conn);
    };
    conn.onClose?.(detach);
    return detach;
  }

  function emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].safeParse(payload);
    if (!checked.success) {
      logError(`event ${event}`, new Error(formatIssues(checked.error.issues)));
      return;
    }
    const msg: RpcEvent = { type: 'event', event, payload: checked.data };
    for (const c of conns) c.send(msg);
    opts.onEvent?.(msg);
  }

  return {
    handle,
    attach,
    emit,
    get connections() {
      return conns.size;
    },
  };
}

/** Runs `work`; past `ms` it rejects with a clear INTERNAL error and the late outcome is dropped. */
async function withDeadline<T>(method: string, ms: number, work: () => T | Promise<T>, logError: (method: string, e: unknown) => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let expired = false;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      expired = true;
      const secs = ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
      reject(new LwError('INTERNAL', `${method} did not finish within ${secs}`, 'The work may still finish in the background: reload to see its outcome, and see the application log if this keeps happening.'));
    }, ms);
  });
  const running = Promise.resolve().then(work);
  // An error after the deadline has no caller left to answer: it goes to the log.
  running.catch((e: unknown) => {
    if (expired && !isLwError(e)) logError(`${method} (after its deadline)`, e);
  });
  try {
    return await Promise.race([running, late]);
  } finally {
    clearTimeout(timer);
  }
}

type Issue = { path: PropertyKey[]; message: string };

function issueList(issues: readonly Issue[]): { path: string; message: string }[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

function formatIssues(issues: readonly Issue[]): string {
  return issueList(issues)
    .slice(0, 5)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
}

/** Paths of object keys present in `raw` but dropped by the schema's parse. */
function unknownKeys(raw: unknown, parsed: unknown, path = '', out: string[] = []): string[] {
  if (out.length > 5) return out;
  if (Array.isArray(raw) && Array.isArray(parsed)) {
    for (let i = 0; i < raw.length && i < parsed.length; i++) unknownKeys(raw[i], parsed[i], `${path}[${i}]`, out);
  } else if (raw && parsed && typeof raw === 'object' && typeof parsed === 'object' && !ArrayBuffer.isView(raw)) {
    for (const k of Object.keys(raw)) {
      const child = path ? `${path}.${k}` : k;
      if (!Object.hasOwn(parsed, k)) {
        if ((raw as Record<string, unknown>)[k] !== undefined) out.push(child);
      } else unknownKeys((raw as Record<string, unknown>)[k], (parsed as Record<string, unknown>)[k], child, out);
    }
  }
  return out;
}

export { LwError };
