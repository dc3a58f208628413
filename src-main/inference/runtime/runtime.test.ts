import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine';
import { cudaPrecheck, planExecutionProviders, probeExecutionProvider } from './execution-providers';
import { SessionPool } from './session-pool';

describe('execution provider plan', () => {
  it('CUDA first, then DirectML on Windows / CoreML on macOS, then CPU', () => {
    expect(planExecutionProviders({}, 'linux').order).toEqual(['cuda', 'cpu']);
    expect(planExecutionProviders({}, 'win32').order).toEqual(['cuda', 'dml', 'cpu']);
    expect(planExecutionProviders({}, 'darwin').order).toEqual(['cuda', 'coreml', 'cpu']);
  });

  it('LABELWRIGHT_EP forces one; nonsense is rejected', () => {
    expect(planExecutionProviders({ LABELWRIGHT_EP: 'cpu' }, 'linux')).toEqual({ order: ['cpu'], forced: 'cpu' });
    expect(planExecutionProviders({ LABELWRIGHT_EP: 'CUDA' }, 'linux')).toEqual({ order: ['cuda'], forced: 'cuda' });
    expect(() => planExecutionProviders({ LABELWRIGHT_EP: 'tpu' }, 'linux')).toThrow(/not an execution provider/);
  });

  it('says why CUDA cannot run here (or nothing when its provider library is installed)', () => {
    const why = cudaPrecheck();
    if (why !== null) expect(why).toMatch(/CUDA|cuda|x64/);
  });
});

describe('probeExecutionProvider', () => {
  it('is CPU when forced, else CUDA exactly when the CUDA provider library is installed', () => {
    expect(probeExecutionProvider({ LABELWRIGHT_EP: 'cpu' }).provider).toBe('cpu');
    const p = probeExecutionProvider({});
    if (process.platform === 'linux') {
      expect(p.provider).toBe(p.cudaLibrary ? 'cuda' : 'cpu');
      expect(p.nativeDir).toMatch(/napi-v\d+[\\/]linux[\\/]/);
    }
    expect(p.reason.length).toBeGreaterThan(0);
  });
});

describe('session pool', () => {
  it('shares one set of sessions per pack and frees them with the last reference', async () => {
    const pool = new SessionPool({ intraOpThreads: 1 });
    const dir = resolve(import.meta.dirname, '../../../models/fixtures/groupvit-fixture');
    const a = await createEngine({ pack: dir, pool });
    const b = await createEngine({ pack: dir, pool });
    expect(pool.has(dir)).toBe(true);
    expect(a.info.ep).toBe(b.info.ep);
    await a.close();
    expect(pool.has(dir)).toBe(true); // b still uses them
    const r = await b.predict(Buffer.from(await (await import('sharp')).default({ create: { width: 32, height: 32, channels: 3, background: '#0000ff' } }).png().toBuffer()), [
      { id: 1, name: 'blue' },
    ]);
    expect(r.masks[0].area).toBe(32 * 32);
    await b.close();
    expect(pool.has(dir)).toBe(false);
  });
});
