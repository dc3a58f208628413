import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ExecutionProvider } from '../../shared/contract';

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

const CUDA_LIB: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'libonnxruntime_providers_cuda.so',
  win32: 'onnxruntime_providers_cuda.dll',
};

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

/**
 * Which execution provider would run, without loading onnxruntime: CUDA when
 * onnxruntime-node's CUDA provider library is installed and `LABELWRIGHT_EP` is not
 * `cpu`; DirectML on Windows and CoreML on macOS when onnxruntime-node ships them; else CPU.
 * `LABELWRIGHT_EP=cpu|cuda|dml|coreml` forces a choice. Whether CUDA then actually
 * starts (driver, cuDNN) is for the session pool to find out and report.
 */
export function probeExecutionProvider(env: NodeJS.ProcessEnv = process.env): EpProbe {
  const dirs = onnxruntimeNativeDirs();
  const nativeDir = dirs[0] ?? null;
  const cudaName = CUDA_LIB[process.platform];
  const cudaLibrary = cudaName
    ? (dirs.map((d) => path.join(d, cudaName)).find((f) => existsSync(f)) ?? null)
    : null;
  const forced = env.LABELWRIGHT_EP?.trim().toLowerCase();

  if (forced === 'cpu')
    return { provider: 'cpu', reason: 'forced by LABELWRIGHT_EP=cpu', cudaLibrary, nativeDir };
  if (forced === 'cuda')
    return {
      provider: 'cuda',
      reason: cudaLibrary
        ? `forced by LABELWRIGHT_EP=cuda (${cudaLibrary})`
        : `forced by LABELWRIGHT_EP=cuda, but ${cudaName ?? 'the CUDA provider'} is not installed`,
      cudaLibrary,
      nativeDir,
    };
  if (forced === 'dml' || forced === 'coreml')
    return { provider: forced, reason: `forced by LABELWRIGHT_EP=${forced}`, cudaLibrary, nativeDir };
  if (cudaLibrary)
    return { provider: 'cuda', reason: `found ${path.basename(cudaLibrary)}`, cudaLibrary, nativeDir };
  if (process.platform === 'win32' && nativeDir && existsSync(path.join(nativeDir, 'DirectML.dll')))
    return { provider: 'dml', reason: 'found DirectML.dll', cudaLibrary, nativeDir };
  if (process.platform === 'darwin' && nativeDir)
    return { provider: 'coreml', reason: 'macOS build of onnxruntime-node (CoreML)', cudaLibrary, nativeDir };
  return {
    provider: 'cpu',
    reason: cudaName
      ? `${cudaName} is not installed in onnxruntime-node`
      : 'no GPU provider for this platform',
    cudaLibrary,
    nativeDir,
  };
}
