/**
 * Session pool over onnxruntime-node. Sessions are created per pack (all graphs of a pack on
 * the same execution provider), checked against the graph contract, cached, and released on
 * demand. Each pack reports the EP its sessions actually use and, when CUDA was wanted and
 * failed, why.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import ort from 'onnxruntime-node';
import type { ExecutionProvider, PackKind } from '../../shared/contract';
import { LwError } from '../../shared/errors';
import { checkGraph, GRAPH_CONTRACT } from './graph-contract';
import { cudaPrecheck, defaultIntraOpThreads, planExecutionProviders } from './execution-providers';

export interface GraphFile {
  role: string;
  path: string;
  /** From the manifest: a size mismatch is reported as truncation before ORT sees the file. */
  bytes?: number;
  /**
   * Nodes appended to the graph at load (sam/decoder-head.ts): `apply` gets the file's bytes,
   * `outputs` names what it adds. The contract is checked on the graph without them, and a
   * graph the addition does not fit loads as it is (LoadedGraph.added is then empty).
   */
  addition?: { apply(bytes: Uint8Array): Uint8Array; outputs: readonly string[] };
}

export interface LoadedGraph {
  role: string;
  file: string;
  session: ort.InferenceSession;
  /** Input / output names in contract order. */
  inputs: string[];
  outputs: string[];
  inputShapes: (readonly (number | string)[])[];
  /** The outputs GraphFile.addition added, when it loaded; else empty. */
  added: readonly string[];
}

export interface EpReport {
  ep: ExecutionProvider;
  /** Why CUDA was not used, when it was wanted. */
  cudaUnavailable?: string;
  forced: boolean;
}

export interface LoadedPack {
  key: string;
  kind: PackKind;
  graphs: Record<string, LoadedGraph>;
  epReport: EpReport;
}

export class SessionPool {
  private readonly packs = new Map<string, Promise<LoadedPack>>();
  /**
   * `spin`: let ORT's intra-op threads busy-wait between and after runs (ORT's default). Off
   * unless asked for (or LABELWRIGHT_ORT_SPIN=1): the spinning threads take the cores that
   * decode the next image and run the postprocessing, which on a few cores costs far more
   * than the wake-up latency it saves.
   */
  constructor(private readonly opts: { intraOpThreads?: number; spin?: boolean } = {}) {}

  private readonly refs = new Map<string, number>();

  /**
   * Loads (or returns the cached) sessions of one pack. `key` identifies the pack (its folder).
   * Each load is one reference; `release` drops one and frees the sessions at zero.
   */
  load(key: string, kind: PackKind, files: GraphFile[]): Promise<LoadedPack> {
    let p = this.packs.get(key);
    if (!p) {
      p = this.create(key, kind, files);
      this.packs.set(key, p);
      p.catch(() => {
        this.packs.delete(key);
        this.refs.delete(key);
      });
    }
    this.refs.set(key, (this.refs.get(key) ?? 0) + 1);
    return p;
  }

  has(key: string): boolean {
    return this.packs.has(key);
  }

  /** Drops one reference to a pack's sessions; frees them when none is left (or when `force`). */
  async release(key: string, force = false): Promise<void> {
    const n = (this.refs.get(key) ?? 1) - 1;
    if (n > 0 && !force) {
      this.refs.set(key, n);
      return;
    }
    this.refs.delete(key);
    const p = this.packs.get(key);
    this.packs.delete(key);
    if (!p) return;
    const pack = await p.catch(() => null);
    if (pack) await Promise.all(Object.values(pack.graphs).map((g) => g.session.release().catch(() => undefined)));
  }

  /** Frees every pack's sessions. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.packs.keys()].map((k) => this.release(k, true)));
  }

  private async create(key: string, kind: PackKind, files: GraphFile[]): Promise<LoadedPack> {
    const contract = GRAPH_CONTRACT[kind];
    for (const f of files) {
      if (!contract[f.role]) throw new LwError('MODEL_PACK_INVALID', `${f.path}: role '${f.role}' is not a ${kind} graph`);
      await checkFile(f);
    }
    const plan = planExecutionProviders();
    let cudaUnavailable: string | undefined;
    const errors: string[] = [];
    for (const ep of plan.order) {
      if (ep === 'cuda') {
        const pre = cudaPrecheck();
        if (pre) {
          cudaUnavailable = pre;
          if (plan.forced) throw new LwError('MODEL_LOAD_FAILED', `CUDA was requested (LABELWRIGHT_EP=cuda) but is unavailable: ${pre}`, 'Unset LABELWRIGHT_EP to fall back to the CPU.');
          continue;
        }
      }
      const graphs: Record<string, LoadedGraph> = {};
      try {
        for (const f of files) graphs[f.role] = await this.createGraph(f, ep, contract[f.role]);
      } catch (e) {
        await Promise.all(Object.values(graphs).map((g) => g.session.release().catch(() => undefined)));
        // Contract mismatches and unreadable files are the same on every EP: report them now.
        if (e instanceof LwError) throw e;
        const msg = e instanceof Error ? e.message : String(e);
        if (ep === 'cuda') cudaUnavailable = `CUDA session creation failed: ${firstLine(msg)}`;
        errors.push(`${ep}: ${firstLine(msg)}`);
        if (plan.forced) throw new LwError('MODEL_LOAD_FAILED', `Execution provider ${ep} (forced by LABELWRIGHT_EP) failed: ${firstLine(msg)}`, 'Unset LABELWRIGHT_EP to let Labelwright choose.');
        continue;
      }
      return { key, kind, graphs, epReport: { ep, cudaUnavailable, forced: plan.forced !== null } };
    }
    throw new LwError('MODEL_LOAD_FAILED', `No execution provider could load the pack at ${key}: ${errors.join('; ')}`);
  }

  private sessionOptions(ep: ExecutionProvider): ort.InferenceSession.SessionOptions {
    return {
      executionProviders: [ep],
      intraOpNumThreads: this.opts.intraOpThreads ?? defaultIntraOpThreads(),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      ...((this.opts.spin ?? process.env.LABELWRIGHT_ORT_SPIN === '1') ? {} : { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }),
    };
  }

  /** The graph with its addition, or null when the addition does not load on it (the graph is then loaded as it is, and judged on its own). */
  private async createWithAddition(f: GraphFile, ep: ExecutionProvider, spec: (typeof GRAPH_CONTRACT)[PackKind][string]): Promise<LoadedGraph | null> {
    const addition = f.addition!;
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(addition.apply(await readFile(f.path)), this.sessionOptions(ep));
    } catch {
      return null;
    }
    const added = new Set(addition.outputs);
    if (!addition.outputs.every((n) => session.outputNames.includes(n))) {
      await session.release().catch(() => undefined);
      return null;
    }
    try {
      return this.describe(f, session, spec, added);
    } catch (e) {
      await session.release().catch(() => undefined);
      throw e;
    }
  }

  private async createGraph(f: GraphFile, ep: ExecutionProvider, spec: (typeof GRAPH_CONTRACT)[PackKind][string]): Promise<LoadedGraph> {
    if (f.addition) {
      const withAddition = await this.createWithAddition(f, ep, spec);
      if (withAddition) return withAddition;
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(f.path, this.sessionOptions(ep));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/protobuf|parse|invalid model|model format|ModelProto|Failed to load model|No graph/i.test(msg))
        throw new LwError(
          'MODEL_LOAD_FAILED',
          `${f.path} (${f.role}) is not a valid ONNX model (truncated or not ONNX): ${firstLine(msg)}`,
          'Re-download the pack or re-import the file.',
          { cause: e },
        );
      if (ep === 'cpu') throw new LwError('MODEL_LOAD_FAILED', `${f.path} (${f.role}) could not be loaded: ${firstLine(msg)}`, undefined, { cause: e });
      throw e;
    }
    try {
      return this.describe(f, session, spec, new Set());
    } catch (e) {
      await session.release().catch(() => undefined);
      throw e;
    }
  }

  /** Checks the graph against the contract (without the outputs an addition made) and names its tensors. */
  private describe(f: GraphFile, session: ort.InferenceSession, spec: (typeof GRAPH_CONTRACT)[PackKind][string], added: ReadonlySet<string>): LoadedGraph {
    const own = session.outputMetadata.filter((m) => !added.has(m.name));
    const names = checkGraph(basename(f.path), spec, session.inputMetadata, own);
    const inputShapes = names.inputs.map((n) => {
      const m = session.inputMetadata.find((x) => x.name === n);
      return m && m.isTensor ? m.shape : [];
    });
    return { role: f.role, file: f.path, session, inputs: names.inputs, outputs: names.outputs, inputShapes, added: [...added] };
  }
}

async function checkFile(f: GraphFile): Promise<void> {
  const s = await stat(f.path).catch(() => null);
  if (!s || !s.isFile())
    throw new LwError('MODEL_PACK_MISSING', `The ${f.role} graph ${f.path} is missing`, 'Download the pack again (labelwright models download <id>) or re-import it.');
  if (f.bytes !== undefined && s.size !== f.bytes)
    throw new LwError(
      'MODEL_LOAD_FAILED',
      `${f.path} (${f.role}) is ${s.size} bytes but the manifest says ${f.bytes}: the file is truncated or replaced`,
      'Re-download the pack (labelwright models download <id>).',
    );
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

/** Runs one graph (only the outputs `fetch` names, when given); ORT failures become INFERENCE_FAILED naming the file. */
export async function runGraph(g: LoadedGraph, feeds: Record<string, ort.Tensor>, fetch?: readonly string[]): Promise<Record<string, ort.Tensor>> {
  try {
    return (await (fetch ? g.session.run(feeds, [...fetch]) : g.session.run(feeds))) as Record<string, ort.Tensor>;
  } catch (e) {
    throw new LwError('INFERENCE_FAILED', `${g.file} (${g.role}) failed to run: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, undefined, { cause: e });
  }
}
