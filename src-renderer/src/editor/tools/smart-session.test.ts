import { describe, expect, it } from 'vitest';
import type { SamPrompt, SamSegmentResult } from '../../../../src-main/shared/api';
import { LwError } from '../../../../src-main/shared/errors';
import { NO_SAM_PACK, SmartSession, type SmartBackend } from './smart-session';

/** A backend whose answers the test releases one by one, in any order. */
function fakeBackend(pack: string | null = 'sam-x') {
  const asked: { prompt: SamPrompt; answer(r?: Partial<SamSegmentResult>): void; fail(e: Error): void }[] =
    [];
  let n = 0;
  const backend: SmartBackend = {
    resolvePack: () => Promise.resolve(pack),
    prepare: () => Promise.resolve({ ms: 5 }),
    segment: (_pack, _imageId, prompt) =>
      new Promise((resolve, reject) => {
        const id = `m${++n}`;
        asked.push({
          prompt,
          answer: (r = {}) =>
            resolve({
              rle: { size: [4, 4], counts: id },
              bbox: [0, 0, 1, 1],
              area: 1,
              score: 0.9,
              maskId: id,
              encoderRuns: 1,
              embeddingCached: true,
              ...r,
            }),
          fail: reject,
        });
      }),
  };
  return { backend, asked };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

async function session(pack: string | null = 'sam-x') {
  const f = fakeBackend(pack);
  const errors: string[] = [];
  const s = new SmartSession(f.backend, { error: (t) => errors.push(t) });
  const ok = await s.activate(1);
  return { ...f, s, errors, ok };
}

describe('SmartSession', () => {
  it('embeds on activation; without a sam pack it says where to get one', async () => {
    const { s, ok } = await session();
    expect(ok).toBe(true);
    expect(s.get()).toMatchObject({ pack: 'sam-x', embedding: 'ready', embeddingMs: 5 });
    const none = await session(null);
    expect(none.ok).toBe(false);
    expect(none.errors).toEqual([NO_SAM_PACK]);
  });

  it('sends one request at a time; prompts given meanwhile collapse into the newest; a stale answer is not shown', async () => {
    const { s, asked } = await session();
    s.addPoint(10, 10, 1);
    s.addPoint(20, 20, 0);
    s.addPoint(30, 30, 1);
    await tick();
    expect(asked).toHaveLength(1); // the first is in flight; the two others wait
    expect(s.get().busy).toBe(true);
    asked[0].answer();
    await tick();
    expect(s.get().preview).toBeNull(); // answered a prompt that is no longer the current one
    expect(asked).toHaveLength(2);
    // Only the newest prompt is sent, refining the answer to the first click.
    expect(asked[1].prompt).toEqual({
      points: [
        { x: 10, y: 10, label: 1 },
        { x: 20, y: 20, label: 0 },
        { x: 30, y: 30, label: 1 },
      ],
      previous: 'm1',
    });
    asked[1].answer();
    await tick();
    expect(s.get()).toMatchObject({ busy: false, preview: { maskId: 'm2' } });
    expect(s.current()?.maskId).toBe('m2');
  });

  it('a box replaces the box; Backspace asks again without the last item; Esc and the last Backspace clear', async () => {
    const { s, asked } = await session();
    s.addBox([5, 5, 20, 20]);
    await tick();
    asked[0].answer();
    await tick();
    s.addPoint(8, 8, 0);
    await tick();
    expect(asked[1].prompt).toEqual({
      points: [{ x: 8, y: 8, label: 0 }],
      box: [5, 5, 20, 20],
      previous: 'm1',
    });
    asked[1].answer();
    await tick();
    s.addBox([6, 6, 10, 10]);
    await tick();
    expect(asked[2].prompt).toEqual({ points: [{ x: 8, y: 8, label: 0 }], box: [6, 6, 10, 10] });
    asked[2].answer();
    await tick();
    s.undoLast();
    await tick();
    expect(asked[3].prompt).toEqual({ points: [{ x: 8, y: 8, label: 0 }] });
    expect(s.current()).toBeNull(); // until the answer comes, Enter has nothing to commit
    asked[3].answer();
    await tick();
    expect(s.current()?.maskId).toBe('m4');
    s.undoLast();
    expect(s.get()).toMatchObject({ items: [], preview: null });
    expect(s.current()).toBeNull();
    s.addPoint(1, 1, 1);
    s.cancel();
    await tick();
    asked[4].answer();
    await tick();
    expect(s.get()).toMatchObject({ items: [], preview: null, busy: false });
  });

  it("an error is reported with the server's message and takes back the prompt that failed; the preview stays", async () => {
    const { s, asked, errors } = await session();
    s.addPoint(1, 1, 1);
    await tick();
    asked[0].answer();
    await tick();
    s.addPoint(500, 1, 1);
    await tick();
    // asked[1] carries previous m1; its failure is retried once without it, then reported.
    asked[1].fail(new LwError('INVALID_ARGUMENT', 'The point (500, 1) is outside the 4×4 image'));
    await tick();
    asked[2].fail(new LwError('INVALID_ARGUMENT', 'The point (500, 1) is outside the 4×4 image'));
    await tick();
    expect(errors).toEqual(['The point (500, 1) is outside the 4×4 image']);
    expect(s.get().items).toEqual([{ kind: 'point', x: 1, y: 1, label: 1 }]);
    expect(s.current()?.maskId).toBe('m1');
    expect(s.get().busy).toBe(false);
  });

  it('leaving the image drops the answer in flight', async () => {
    const { s, asked } = await session();
    s.addPoint(1, 1, 1);
    await tick();
    s.deactivate();
    await s.activate(2);
    asked[0].answer();
    await tick();
    expect(s.get()).toMatchObject({ imageId: 2, items: [], preview: null, busy: false });
    // A click on the new image while the old answer was still out is asked once that one is back.
    s.addPoint(3, 3, 1);
    s.deactivate();
    await s.activate(3);
    s.addPoint(2, 2, 1);
    await tick();
    expect(asked).toHaveLength(2);
    asked[1].answer();
    await tick();
    expect(asked).toHaveLength(3);
    expect(asked[2].prompt).toEqual({ points: [{ x: 2, y: 2, label: 1 }] });
    asked[2].answer();
    await tick();
    expect(s.get()).toMatchObject({ imageId: 3, busy: false, preview: { maskId: 'm3' } });
  });
});
