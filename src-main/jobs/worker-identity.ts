import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a claim on a job item: the host, the process id and when that process started.
 * The start time tells a live owner from a later process that was given the same pid, so a
 * worker can take over a dead neighbour's claims at once instead of waiting for the
 * heartbeat to go stale. `id` is what the claim records and commits are checked against.
 */
export interface WorkerIdentity {
  id: string;
  host: string;
  pid: number;
  /** The process's start as this host can tell it for any pid (Linux: boot id and start tick); null where it cannot. */
  started: string | null;
}

let self: WorkerIdentity | undefined;

/** This process as a worker. */
export function thisWorker(): WorkerIdentity {
  if (!self) {
    const host = hostname();
    const started = processStart(process.pid);
    // Without a start the host can read back, the id still differs from a later process
    // with the same pid; only the same-host liveness check then falls back to the pid alone.
    const tag = started ?? `t${Math.round(Date.now() - process.uptime() * 1000)}`;
    self = { id: `${host}:${process.pid}:${tag}`, host, pid: process.pid, started };
  }
  return self;
}

/**
 * Whether the process that owns a claim is certainly gone: on this host, its pid no longer
 * exists, or it exists but started at another time (the pid was reused). Another host's
 * worker cannot be checked from here: it is gone only once its heartbeat is stale.
 */
export function ownerIsGone(owner: { host: string | null; pid: number | null; started: string | null }): boolean {
  if (owner.host !== hostname() || owner.pid === null) return false;
  if (!pidExists(owner.pid)) return true;
  if (owner.started === null) return false;
  const now = processStart(owner.pid);
  return now !== null && now !== owner.started;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the pid exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let bootId: string | null | undefined;

/** Linux: `<boot id>:<start time in clock ticks>` from /proc; null elsewhere or when unreadable. */
function processStart(pid: number): string | null {
  try {
    bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = rest[19]; // field 22, starttime
    return ticks ? `${bootId}:${ticks}` : null;
  } catch {
    bootId ??= null;
    return null;
  }
}
