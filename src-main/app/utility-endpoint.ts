import { utilityProcess } from 'electron';
import { LwError } from '../shared/errors';
import type { Endpoint } from '../inference/worker/client';

/**
 * The model half of the inference engine in an Electron utilityProcess: onnxruntime runs
 * outside the main process, so a native crash cannot take the window down. Images are
 * still prepared in a worker thread beside it (WorkerEngine). Messages are structured
 * clones: a utilityProcess takes no ArrayBuffer transfer list, so tensors are copied.
 */
export async function utilityProcessEndpoint(entry: string, env: NodeJS.ProcessEnv): Promise<Endpoint> {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Labelwright inference', env, stdio: 'inherit' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('exit', (code) => reject(new LwError('INFERENCE_FAILED', `The inference process did not start (exit code ${code})`)));
  });
  return {
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code) => listener(new Error(`inference process exit code ${code}`))),
    terminate: async () => {
      child.kill();
    },
  };
}
