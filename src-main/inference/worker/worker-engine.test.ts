import { describe, expect, it } from 'vitest';
import { BLUE, iouXywh, plantedImage, RED } from '../../testing/planted-images';
import { createModelStage } from './model-stage';
import { createPrepStage } from './prep-stage';
import { createWorkerEngine, startWorkerStages, type Endpoint, type StartStages } from './worker-engine';

const cats = [
  { id: 1, name: 'red' },
  { id: 2, name: 'blue' },
];

/** Largest typed array found anywhere in a message, in bytes. */
function typedBytes(m: unknown): number {
  if (ArrayBuffer.isView(m)) return m.byteLength;
  if (m && typeof m === 'object') return Math.max(0, ...Object.values(m).map(typedBytes));
  return 0;
}

/** The default worker-thread stages, with every message the calling thread sends or receives recorded. */
function recordedStages(seen: { dir: 'out' | 'in'; stage: string; bytes: number }[]): StartStages {
  const spy = (stage: string, e: Endpoint): Endpoint => ({
    ...e,
    postMessage: (m, transfer) => {
      seen.push({ dir: 'out', stage, bytes: typedBytes(m) });
      e.postMessage(m, transfer);
    },
    onMessage: (l) =>
      e.onMessage((m) => {
        seen.push({ dir: 'in', stage, bytes: typedBytes(m) });
        l(m);
      }),
  });
  return async (env) => {
    const s = await startWorkerStages(env);
    return { prep: spy('prep', s.prep), model: spy('model', s.model) };
  };
}

describe('worker engine: the direct line between the stages', () => {
  it('tensors go from the preparation thread to the model thread, never through the calling thread', async () => {
    const seen: { dir: 'out' | 'in'; stage: string; bytes: number }[] = [];
    const w = await createWorkerEngine({ pack: 'glip-fixture', stages: recordedStages(seen) });
    try {
      const imgs = await Promise.all([100, 250, 400].map((x) => plantedImage(640, 480, [{ x, y: 100, w: 128, h: 128, colour: RED }], { format: 'jpeg' })));
      // Pipelined as the job runner does it: the next image prepares while the current one runs.
      let next = w.prepare(imgs[0]);
      const xs: number[] = [];
      for (let i = 0; i < imgs.length; i++) {
        const h = await next;
        expect([h.width, h.height]).toEqual([640, 480]);
        if (i + 1 < imgs.length) next = w.prepare(imgs[i + 1]);
        xs.push(Math.round((await w.run(h, cats)).detections[0].bbox[0]));
      }
      expect(xs).toEqual([100, 250, 400]);
    } finally {
      await w.close();
    }
    const bytesIn = seen.filter((s) => s.dir === 'in').map((s) => s.bytes);
    const largestOut = Math.max(...seen.filter((s) => s.dir === 'out').map((s) => s.bytes));
    expect(seen.filter((s) => s.dir === 'in' && s.stage === 'prep')).toHaveLength(3);
    // Replies carry no arrays at all; what goes out is at most the encoded images (a GLIP tensor is 10 MB).
    expect(Math.max(...bytesIn)).toBe(0);
    expect(largestOut).toBeLessThan(200_000);
  });

  it('a released image cannot be run; the engine goes on', async () => {
    const w = await createWorkerEngine({ pack: 'groupvit-fixture' });
    try {
      const img = await plantedImage(320, 240, [{ x: 0, y: 0, w: 160, h: 240, colour: BLUE }]);
      const h = await w.prepare(img);
      await w.release(h);
      await expect(w.run(h, cats)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(w.prepare(Buffer.from('not an image'))).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
      const r = await w.run(await w.prepare(img), cats);
      expect(r.masks.map((m) => m.categoryId)).toEqual([2]);
      expect(iouXywh(r.masks[0].bbox, [0, 0, 160, 240])).toBeGreaterThan(0.9);
    } finally {
      await w.close();
    }
  });

  it('closing while a run and a preparation are in flight lets them finish; both stages then exit by themselves', async () => {
    // Terminating a thread under a native call in flight (an ONNX run, a sharp decode) kills
    // the whole process when the call completes ("terminate called after throwing an instance
    // of 'Napi::Error'"); this file's process surviving is half of the check.
    const exits: string[] = [];
    const stages: StartStages = async (env) => {
      const s = await startWorkerStages(env);
      const watch = (name: string, e: Endpoint): Endpoint => {
        e.onExit((why) => exits.push(`${name}: ${why.message}`));
        return e;
      };
      return { prep: watch('prep', s.prep), model: watch('model', s.model) };
    };
    const img = await plantedImage(1600, 1200, [{ x: 400, y: 300, w: 256, h: 256, colour: RED }], { format: 'jpeg' });
    for (let round = 0; round < 3; round++) {
      const w = await createWorkerEngine({ pack: 'glip-fixture', stages });
      const h = await w.prepare(img);
      const running = w.run(h, cats).then(
        (r) => r.detections.length,
        (e: Error) => e.message,
      );
      const preparing = w.prepare(img).then(
        () => 'prepared',
        (e: Error) => e.message,
      );
      await w.close();
      // The run either finished before the close reached the model stage, or it was refused as stopped: never lost mid-way.
      expect(await running).toSatisfy((v) => v === 1 || /stopped/.test(String(v)));
      expect(await preparing).toSatisfy((v) => v === 'prepared' || /stopped/.test(String(v)));
    }
    // Six stage threads, each ended by its own exit (terminate() would give exit code 1).
    expect(exits.sort()).toEqual([...Array(3).fill('model: exit code 0'), ...Array(3).fill('prep: exit code 0')]);
  });

  it('a pack that fails to load rejects the engine and stops both stages', async () => {
    const stopped: string[] = [];
    const stages: StartStages = async (env) => {
      const s = await startWorkerStages(env);
      const stop = (name: string, e: Endpoint): Endpoint => ({ ...e, terminate: () => e.terminate().then(() => void stopped.push(name)) });
      return { prep: stop('prep', s.prep), model: stop('model', s.model) };
    };
    await expect(createWorkerEngine({ pack: 'no-such-pack', stages })).rejects.toMatchObject({ code: 'MODEL_PACK_MISSING' });
    expect(stopped.sort()).toEqual(['model', 'prep']);
  });
});

describe('stages validate what they receive', () => {
  it('a malformed request is answered with INVALID_ARGUMENT under its own id', async () => {
    const model = createModelStage();
    expect(await model.handle({ id: 7, op: 'predict', src: 'a.jpg' })).toMatchObject({ id: 7, ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await model.handle({ id: 8, op: 'run', handle: 1, categories: [{ id: 0, name: 'x' }] })).toMatchObject({ id: 8, ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const prep = createPrepStage(() => {
      throw new Error('nothing is sent for a malformed request');
    });
    expect(await prep({ id: 9, op: 'prepare', handle: 1, spec: { kind: 'sam' }, src: 'a.jpg' })).toMatchObject({ id: 9, ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await prep('garbage')).toMatchObject({ id: -1, ok: false });
  });

  it('a malformed tensor on the direct line is refused loudly', () => {
    expect(() => createModelStage().receive({ handle: 1, tensor: { data: [1, 2, 3] } })).toThrow(/malformed tensor/);
  });
});
