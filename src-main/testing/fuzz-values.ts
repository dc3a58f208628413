/**
 * Fuzzed RPC params from the contract itself: each method's zod input schema is turned into
 * JSON Schema (zod 4's `z.toJSONSchema`) and walked, so a new method or field is fuzzed
 * without touching the fuzzer. Most nodes get a value of the right shape (so calls reach the
 * services, not just the validator); some get a boundary or hostile value instead.
 */
import { z } from 'zod';
import { api, type Method } from '../shared/api';

type Rnd = () => number;
type Schema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema | false;
  prefixItems?: Schema[];
  minItems?: number;
  maxItems?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
};

export interface FuzzContext {
  rnd: Rnd;
  /** A value for a field that names a file or folder (`path`, `folder`): the caller keeps these inside its temp folder. */
  path: (field: string) => string;
  /** Names worth hitting (pack ids, category names): strings are drawn from these half the time. */
  words?: readonly string[];
  /** Chance that a node gets a hostile value instead of a valid-shaped one. */
  hostility?: number;
}

const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

/** Numbers at the edges: JSON has no NaN or Infinity (they become null), -0 becomes 0. */
export const HOSTILE_NUMBERS: readonly number[] = [
  0, -0, -1, 0.5, -0.5, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, 1e21,
];

export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-0',
  '1e999',
  'null',
  '__proto__',
  'constructor',
  'x'.repeat(70_000),
  '名前🙂\u202e\u0000end',
  '\u001b[31mred\u001b[0m\r\n',
  '\ud800', // a lone surrogate: JSON.stringify escapes it, the host must cope
  "'; DROP TABLE images; --",
  '%00%2e%2e%2f',
  '../../etc/passwd',
  '/proc/self/status',
  '#zzzzzz',
];

function hostile(rnd: Rnd, depth: number): unknown {
  switch (Math.floor(rnd() * 8)) {
    case 0:
      return pick(rnd, HOSTILE_NUMBERS);
    case 1:
      return pick(rnd, HOSTILE_STRINGS);
    case 2:
      return pick(rnd, [null, true, false]);
    case 3:
      return [];
    case 4:
      return {};
    case 5:
      return depth < 2 ? [hostile(rnd, depth + 1), hostile(rnd, depth + 1)] : 1;
    case 6:
      // JSON.parse makes `__proto__` an own key, as it arrives on the wire.
      return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"id":1}') as unknown;
    default:
      return nested(Math.floor(rnd() * 200));
  }
}

/** A deeply nested object: parsers that recurse must not blow the stack. */
function nested(depth: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

function number(s: Schema, integer: boolean, rnd: Rnd): number {
  // Ids: mostly small, so calls meet real images, categories and annotations.
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : -1000);
  const hi = Math.min(s.maximum ?? 1e6, lo + (integer ? 12 : 1000));
  if (rnd() < 0.1) return pick(rnd, [lo, s.maximum ?? hi]);
  const x = lo + rnd() * (hi - lo);
  return integer ? Math.floor(x) : x;
}

function string(s: Schema, field: string, ctx: FuzzContext): string {
  const { rnd } = ctx;
  if (field === 'path' || field === 'folder') return ctx.path(field);
  if (s.pattern === '^#[0-9a-fA-F]{6}$') return `#${Math.floor(rnd() * 0xffffff).toString(16).padStart(6, '0')}`;
  if (s.pattern === '^[1-9]$') return String(1 + Math.floor(rnd() * 9));
  const words = ctx.words?.length && rnd() < 0.5 ? ctx.words : ['cat', 'dog', 'Person', 'a b', 'ünï', '車', '🙂', 'x'];
  let v = pick(rnd, words) + (rnd() < 0.3 ? String(Math.floor(rnd() * 100)) : '');
  if (s.minLength && v.length < s.minLength) v = v.padEnd(s.minLength, 'x');
  if (s.maxLength !== undefined && v.length > s.maxLength) v = v.slice(0, s.maxLength);
  return v;
}

function value(s: Schema, field: string, ctx: FuzzContext, depth: number): unknown {
  const { rnd } = ctx;
  if (rnd() < (ctx.hostility ?? 0.12)) {
    // Path fields stay inside the caller's sandbox even when hostile: a hostile *path* comes from ctx.path.
    return field === 'path' || field === 'folder' ? pick(rnd, [ctx.path(field), 42, null, '']) : hostile(rnd, depth);
  }
  if (s.const !== undefined) return s.const;
  if (s.enum) return pick(rnd, s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return value(pick(rnd, alts), field, ctx, depth);
  const type = Array.isArray(s.type) ? pick(rnd, s.type) : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries(s.properties ?? {})) {
        if (s.required?.includes(k) || rnd() < 0.5) out[k] = value(sub, k, ctx, depth + 1);
      }
      if (rnd() < 0.03) out.unexpected = hostile(rnd, depth + 1); // unknown keys: strict objects refuse them
      return out;
    }
    case 'array': {
      if (s.prefixItems) return s.prefixItems.map((p) => value(p, field, ctx, depth + 1));
      const min = s.minItems ?? 0;
      const n = min + Math.floor(rnd() * 4);
      return Array.from({ length: n }, () => (s.items ? value(s.items, field, ctx, depth + 1) : hostile(rnd, depth + 1)));
    }
    case 'integer':
      return number(s, true, rnd);
    case 'number':
      return number(s, false, rnd);
    case 'string':
      return string(s, field, ctx);
    case 'boolean':
      return rnd() < 0.5;
    case 'null':
      return null;
    default:
      return hostile(rnd, depth);
  }
}

const schemas = new Map<Method, Schema>();

/** The JSON Schema of a method's params, as a client sends them (defaults optional). */
export function inputSchema(method: Method): Schema {
  let s = schemas.get(method);
  if (!s) {
    s = z.toJSONSchema(api[method].input, { io: 'input', unrepresentable: 'any' }) as Schema;
    schemas.set(method, s);
  }
  return s;
}

/** Params for one call of `method`: usually shaped like the contract, sometimes not at all. */
export function fuzzParams(method: Method, ctx: FuzzContext): unknown {
  if (ctx.rnd() < 0.04) return hostile(ctx.rnd, 0); // params that are not even an object
  return value(inputSchema(method), '', ctx, 0);
}
