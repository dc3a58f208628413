/**
 * Execution providers: which one a session tries first (CUDA, then DirectML on Windows or
 * CoreML on macOS, then CPU), what `LABELWRIGHT_EP=cpu|cuda|dml|coreml` forces, and whether
 * onnxruntime-node's CUDA provider library is installed. The session pool plans from it; the
 * CLI and the app report from it without loading onnxruntime. A forced provider that fails
 * is an error, not a fallback.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionProvider } from '../../shared/contract';
import { LwError } from '../../shared/errors';

const PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'cuda', 'dml', 'coreml'];

/** The CUDA provider library onnxruntime-node loads at run time, per platform. */
const CUDA_LIB: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'libonnxruntime_providers_cuda.so',
  win32: 'onnxruntime_providers_cuda.dll',
};

/** The provider `LABELWRIGHT_EP` forces, null when unset; throws for a value that is not one. */
export function forcedExecutionProvider(env: NodeJS.ProcessEnv = process.env): ExecutionProvider | null {
  const raw = env.LABELWRIGHT_EP?.trim().toLowerCase();
  if (!raw) return null;
  if (!PROVIDERS.includes(raw as ExecutionProvider))
    throw new LwError('INVALID_ARGUMENT', `LABELWRIGHT_EP=${raw} is not an execution provider`, `Use one of: ${PROVIDERS.join(', ')}.`);
  return raw as ExecutionProvider;
}

export interface EpPlan {
  /** Providers to try, in order. */
  order: ExecutionProvider[];
  /** Set when LABELWRIGHT_EP forced the choice. */
  forced: ExecutionProvider | null;
}

export function planExecutionProviders(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): EpPlan {
  const forced = forcedExecutionProvider(env);
  if (forced) return { order: [forced], forced };
  const order: ExecutionProvider[] = ['cuda'];
  if (platform === 'win32') order.push('dml');
  if (platform === 'darwin') order.push('coreml');
  order.push('cpu');
  return { order, forced: null };
}

/** onnxruntime-node's bin/napi-v*\/<platform>/<arch> folders, newest N-API first. */
export function onnxruntimeNativeDirs(): string[] {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  } catch {
    return [];
  }
  const bin = path.join(pkgDir, 'bin');
  let napi: string[];
  try {
    napi = readdirSync(bin).filter((d) => /^napi-v\d+$/.test(d));
  } catch {
    return [];
  }
  napi.sort((a, b) => Number(b.slice(6)) - Number(a.slice(6)));
  return napi.map((d) => path.join(bin, d, process.platform, process.arch)).filter((d) => existsSync(d));
}

/** Absolute path of onnxruntime-node's CUDA provider library in any of its native folders, or null. */
function findCudaLibrary(dirs: string[]): string | null {
  const name = CUDA_LIB[process.platform];
  return name ? (dirs.map((d) => path.join(d, name)).find((f) => existsSync(f)) ?? null) : null;
}

/**
 * Cheap reason why CUDA cannot work, checked before creating a session: the provider library
 * that onnxruntime-node loads at run time. Null = worth trying (the real error comes from ORT).
 */
export function cudaPrecheck(): string | null {
  const lib = CUDA_LIB[process.platform];
  if (!lib) return `CUDA is not available on ${process.platform}`;
  if (process.arch !== 'x64') return `onnxruntime-node ships CUDA only for x64 (this is ${process.arch})`;
  const dirs = onnxruntimeNativeDirs();
  if (!dirs.length) return 'onnxruntime-node native folder not found';
  if (!findCudaLibrary(dirs))
    return `missing library ${lib} in ${dirs[0]} (onnxruntime-node was installed without its CUDA provider; reinstall with ONNXRUNTIME_NODE_INSTALL_CUDA=v12 and CUDA 12 + cuDNN 9 on the library path)`;
  return null;
}

export interface EpProbe {
  /** The provider a session would try first. */
  provider: ExecutionProvider;
  /** Why: which library was found, or what forced the choice. */
  reason: string;
  /** Absolute path of onnxruntime-node's CUDA provider library, when it is installed. */
  cudaLibrary: string | null;
  /** onnxruntime-node's native folder for this platform, when found. */
  nativeDir: string | null;
}

/**
 * Which execution provider would run, without loading onnxruntime: CUDA when
 * onnxruntime-node's CUDA provider library is installed and `LABELWRIGHT_EP` is not
 * `cpu`; DirectML on Windows and CoreML on macOS when onnxruntime-node ships them; else CPU.
 * Whether CUDA then actually starts (driver, cuDNN) is for the session pool to find out and
 * report. A `LABELWRIGHT_EP` that names no provider is reported here, and refused when a
 * session is created.
 */
export function probeExecutionProvider(env: NodeJS.ProcessEnv = process.env): EpProbe {
  const dirs = onnxruntimeNativeDirs();
  const nativeDir = dirs[0] ?? null;
  const cudaName = CUDA_LIB[process.platform];
  const cudaLibrary = findCudaLibrary(dirs);
  let forced: ExecutionProvider | null = null;
  let ignored = '';
  try {
    forced = forcedExecutionProvider(env);
  } catch (e) {
    ignored = `${(e as Error).message}; `;
  }

  if (forced === 'cpu') return { provider: 'cpu', reason: 'forced by LABELWRIGHT_EP=cpu', cudaLibrary, nativeDir };
  if (forced === 'cuda')
    return {
      provider: 'cuda',
      reason: cudaLibrary ? `forced by LABELWRIGHT_EP=cuda (${cudaLibrary})` : `forced by LABELWRIGHT_EP=cuda, but ${cudaName ?? 'the CUDA provider'} is not installed`,
      cudaLibrary,
      nativeDir,
    };
  if (forced) return { provider: forced, reason: `forced by LABELWRIGHT_EP=${forced}`, cudaLibrary, nativeDir };
  if (cudaLibrary) return { provider: 'cuda', reason: `${ignored}found ${path.basename(cudaLibrary)}`, cudaLibrary, nativeDir };
  if (process.platform === 'win32' && nativeDir && existsSync(path.join(nativeDir, 'DirectML.dll')))
    return { provider: 'dml', reason: `${ignored}found DirectML.dll`, cudaLibrary, nativeDir };
  if (process.platform === 'darwin' && nativeDir) return { provider: 'coreml', reason: `${ignored}macOS build of onnxruntime-node (CoreML)`, cudaLibrary, nativeDir };
  return {
    provider: 'cpu',
    reason: `${ignored}${cudaName ? `${cudaName} is not installed in onnxruntime-node` : 'no GPU provider for this platform'}`,
    cudaLibrary,
    nativeDir,
  };
}

/** Threads for one session: the machine's parallelism, at most 8 (more rarely helps a single image). */
export function defaultIntraOpThreads(): number {
  const env = Number(process.env.LABELWRIGHT_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(8, n));
}
