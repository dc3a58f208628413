/** Spawns the browser host (e2e/support/host-main.ts) and waits for the URL line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface HostProcess {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

export const REPO = join(import.meta.dirname, '..', '..');

export async function launchHost(opts: {
  project?: string;
  create?: boolean;
  env: Record<string, string>;
}): Promise<HostProcess> {
  const args = ['--import', 'tsx', join(REPO, 'e2e', 'support', 'host-main.ts')];
  if (opts.project) args.push(opts.project);
  if (opts.create) args.push('--create');
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start in 60 s:\n${err}`)), 60_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /Labelwright host: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${err}`));
    });
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    child,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode != null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
