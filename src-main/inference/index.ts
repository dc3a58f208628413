/**
 * Inference: model packs run by onnxruntime-node (MODELS.md). Public surface:
 *  - createEngine / LocalEngine: in process; createWorkerEngine / WorkerEngine: off thread.
 *  - registry (adapter per pack kind), session pool, image pipeline.
 * The fixture packs' generator is a dev tool in tools/fixtures/, not part of the runtime.
 * Pack manifests, lookup and downloads are in ./packs.
 */
export { createEngine, LocalEngine, resolvePack, sharedSessionPool, type EngineInfo, type EngineOptions, type InferenceEngine } from './engine';
export { createWorkerEngine, WorkerEngine, type WorkerEngineOptions } from './worker/worker-engine';
export { adapterFor, adapterKinds, registerAdapter } from './adapter-registry';
export { SessionPool, type EpReport, type LoadedPack } from './runtime/session-pool';
export { planExecutionProviders, cudaPrecheck, probeExecutionProvider, type EpProbe } from './runtime/execution-providers';
export { MAX_IMAGE_PIXELS, prepareImage, glipPlan, groupvitPlan, type PreparedImage, type ImageSource } from './image/pipeline';
export type { AdapterCategory, ModelAdapter, PackRef, PredictionResult, RunOptions } from './types';
