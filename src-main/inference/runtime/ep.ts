/**
 * Execution-provider choice: CUDA, then DirectML (Windows) or CoreML (macOS), then CPU.
 * `LABELWRIGHT_EP=cpu|cuda|dml|coreml` forces one (a forced EP that fails is an error, not a fallback).
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import type { ExecutionProvider } from '../../shared/contract';
import { LwError } from '../../shared/errors';

export interface EpPlan {
  /** Providers to try, in order. */
  order: ExecutionProvider[];
  /** Set when LABELWRIGHT_EP forced the choice. */
  forced: ExecutionProvider | null;
}

export function planExecutionProviders(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): EpPlan {
  const raw = env.LABELWRIGHT_EP?.trim().toLowerCase();
  if (raw) {
    const allowed: ExecutionProvider[] = ['cpu', 'cuda', 'dml', 'coreml'];
    if (!allowed.includes(raw as ExecutionProvider))
      throw new LwError('INVALID_ARGUMENT', `LABELWRIGHT_EP=${raw} is not an execution provider`, `Use one of: ${allowed.join(', ')}.`);
    return { order: [raw as ExecutionProvider], forced: raw as ExecutionProvider };
  }
  const order: ExecutionProvider[] = ['cuda'];
  if (platform === 'win32') order.push('dml');
  if (platform === 'darwin') order.push('coreml');
  order.push('cpu');
  return { order, forced: null };
}

/** onnxruntime-node's native folder (…/bin/napi-v6/<platform>/<arch>). */
export function ortBinaryDir(): string | null {
  try {
    const req = createRequire(import.meta.url);
    const pkg = dirname(req.resolve('onnxruntime-node/package.json'));
    const dir = join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

/**
 * Cheap reason why CUDA cannot work, checked before creating a session: the provider library
 * that onnxruntime-node loads at run time. Null = worth trying (the real error comes from ORT).
 */
export function cudaPrecheck(): string | null {
  if (process.platform !== 'linux' && process.platform !== 'win32') return `CUDA is not available on ${process.platform}`;
  if (process.arch !== 'x64') return `onnxruntime-node ships CUDA only for x64 (this is ${process.arch})`;
  const dir = ortBinaryDir();
  if (!dir) return 'onnxruntime-node native folder not found';
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (!readdirSync(dir).includes(lib))
    return `missing library ${lib} in ${dir} (onnxruntime-node was installed without its CUDA provider; reinstall with ONNXRUNTIME_NODE_INSTALL_CUDA=v12 and CUDA 12 + cuDNN 9 on the library path)`;
  return null;
}

/** Threads for one session: the machine's parallelism, at most 8 (more rarely helps a single image). */
export function defaultIntraOpThreads(): number {
  const env = Number(process.env.LABELWRIGHT_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, n));
}
