import type { Command } from 'commander';
import { type GlobalOptions } from './output';

/**
 * Every command module exports a `register` of this shape. `action` wraps a handler so
 * it receives the global flags and its errors reach the one error reporter in main.ts.
 */
export type Action = <A extends unknown[]>(
  handler: (opts: GlobalOptions, ...args: A) => Promise<number | void> | number | void,
) => (...args: A) => Promise<void>;

export type RegisterCommand = (program: Command, action: Action) => void;
