import { MessageChannelMain, utilityProcess, type UtilityProcess } from 'electron';
import { LwError } from '../shared/errors';
import type { Endpoint, StartStages } from '../inference/worker/worker-engine';
import type { LinkMessage, Stage } from '../inference/worker/worker-messages';

/**
 * The worker engine's two stages in Electron utility processes: onnxruntime and the image
 * decoders run outside the main process, so a native crash cannot take the window down.
 * The main process creates the MessageChannelMain between them and posts one port to each;
 * prepared tensors then travel on it and never through here. Messages are structured
 * clones: a utilityProcess takes no ArrayBuffer transfer list, so a tensor is copied once.
 */
export function utilityProcessStages(entry: string): StartStages {
  return async (env) => {
    const started = await Promise.allSettled([fork(entry, 'prep', env), fork(entry, 'model', env)]);
    const [prep, model] = started.map((s) => (s.status === 'fulfilled' ? s.value : null));
    if (!prep || !model) {
      prep?.kill();
      model?.kill();
      throw started.map((s) => (s.status === 'rejected' ? s.reason : null)).find(Boolean);
    }
    const { port1, port2 } = new MessageChannelMain();
    prep.postMessage({ op: 'link', stage: 'prep' } satisfies LinkMessage, [port1]);
    model.postMessage({ op: 'link', stage: 'model' } satisfies LinkMessage, [port2]);
    return { prep: endpoint(prep, 'image preparation process'), model: endpoint(model, 'inference process') };
  };
}

async function fork(entry: string, stage: Stage, env: NodeJS.ProcessEnv): Promise<UtilityProcess> {
  const serviceName = stage === 'model' ? 'Labelwright inference' : 'Labelwright image preparation';
  const child = utilityProcess.fork(entry, [], { serviceName, env, stdio: 'inherit' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('exit', (code) => reject(new LwError('INFERENCE_FAILED', `The ${serviceName} process did not start (exit code ${code})`)));
  });
  return child;
}

function endpoint(child: UtilityProcess, what: string): Endpoint {
  return {
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code) => listener(new Error(`${what} exit code ${code}`))),
    terminate: async () => {
      child.kill();
    },
  };
}
