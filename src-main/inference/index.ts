/**
 * Inference: model packs run by onnxruntime-node (MODELS.md). Public surface:
 *  - createEngine / LocalEngine: in process; createWorkerEngine / WorkerEngine: off thread.
 *  - registry (adapter per pack kind), session pool, image pipeline, fixture generator.
 * Pack manifests, lookup and downloads are in ./packs.
 */
export { createEngine, LocalEngine, resolvePack, sharedSessionPool, type EngineInfo, type EngineOptions, type InferenceEngine } from './engine';
export { createWorkerEngine, WorkerEngine, type WorkerEngineOptions } from './worker/client';
export { createMessageHandler, type MessageHandler } from './worker/handler';
export { adapterFor, adapterKinds, registerAdapter } from './registry';
export { SessionPool, type EpReport, type LoadedPack } from './runtime/session-pool';
export { planExecutionProviders, cudaPrecheck } from './runtime/ep';
export { MAX_IMAGE_PIXELS, prepareImage, probeImage, glipPlan, groupvitPlan, type PreparedImage, type ImageSource } from './image/pipeline';
export { generateFixturePacks, GLIP_FIXTURE_ID, GROUPVIT_FIXTURE_ID } from './fixtures/generate';
export type { AdapterCategory, ModelAdapter, PackRef, PredictionResult, RunOptions } from './types';
