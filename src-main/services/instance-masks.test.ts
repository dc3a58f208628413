/** The instance-mask source rule: the default, what --fuse means, the refusals, and what old job rows did. */
import { describe, expect, it } from 'vitest';
import { rleFromBbox } from '../shared/masks';
import { LwError } from '../shared/errors';
import { chooseInstanceMasks, groupvitInstanceMask, jobInstanceMasks } from './instance-masks';

/** `fn` throws an LwError with this code whose message starts with `message`. */
function expectLwError(fn: () => unknown, code: string, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(LwError);
  expect((thrown as LwError).code).toBe(code);
  expect((thrown as LwError).message.startsWith(message), (thrown as LwError).message).toBe(true);
}

describe('chooseInstanceMasks', () => {
  it('defaults to sam when a sam pack is beside a detector, also with a groupvit pack; --fuse alone means groupvit', () => {
    expect(chooseInstanceMasks(['glip', 'sam'], false, undefined)).toBe('sam');
    expect(chooseInstanceMasks(['pix2seq', 'sam', 'groupvit'], false, undefined)).toBe('sam');
    expect(chooseInstanceMasks(['glip', 'sam', 'groupvit'], true, undefined)).toBe('groupvit');
    expect(chooseInstanceMasks(['glip', 'groupvit'], true, undefined)).toBe('groupvit');
    expect(chooseInstanceMasks(['glip', 'groupvit'], false, undefined)).toBeNull();
    expect(chooseInstanceMasks(['glip'], true, undefined)).toBeNull();
    expect(chooseInstanceMasks(['glip', 'sam', 'groupvit'], false, 'groupvit')).toBe('groupvit');
    expect(chooseInstanceMasks(['glip', 'sam', 'groupvit'], true, 'groupvit')).toBe('groupvit');
  });

  it('refuses a source the packs cannot give, and --fuse with --masks sam', () => {
    expectLwError(() => chooseInstanceMasks(['glip', 'sam'], false, 'groupvit'), 'INVALID_ARGUMENT', '--masks groupvit needs a groupvit pack in the job');
    expectLwError(() => chooseInstanceMasks(['glip', 'groupvit'], false, 'sam'), 'INVALID_ARGUMENT', '--masks sam needs a sam pack in the job');
    expectLwError(() => chooseInstanceMasks(['groupvit', 'sam'], false, 'sam'), 'INVALID_ARGUMENT', '--masks sam gives detected boxes their masks: it needs a detector pack in the job');
    expectLwError(() => chooseInstanceMasks(['glip', 'sam', 'groupvit'], true, 'sam'), 'INVALID_ARGUMENT', '--fuse and --masks sam contradict each other');
  });

  it('a job row recorded before --masks reads as what it did: SAM first, else --fuse', () => {
    expect(jobInstanceMasks({ packs: [{ kind: 'glip' }, { kind: 'sam' }, { kind: 'groupvit' }], fuse: true })).toBe('sam');
    expect(jobInstanceMasks({ packs: [{ kind: 'glip' }, { kind: 'groupvit' }], fuse: true })).toBe('groupvit');
    expect(jobInstanceMasks({ packs: [{ kind: 'glip' }, { kind: 'sam' }, { kind: 'groupvit' }], fuse: true, masks: 'groupvit' })).toBe('groupvit');
    expect(jobInstanceMasks({ packs: [{ kind: 'glip' }, { kind: 'groupvit' }], fuse: false, masks: null })).toBeNull();
  });
});

describe('groupvitInstanceMask', () => {
  it('cuts the class mask to the box: the box and area are the cut’s; no pixels in the box is null', () => {
    // 10×8 image (h 8, w 10); the class mask covers x 2..7, y 1..5 (6×5 = 30 px)
    const classMask = rleFromBbox([2, 1, 6, 5], 8, 10);
    // box x 4..9, y 3..7: overlap x 4..7, y 3..5 = 4×3 = 12 px
    expect(groupvitInstanceMask(classMask.counts, [4, 3, 6, 5], [8, 10])).toEqual({ rle: rleFromBbox([4, 3, 4, 3], 8, 10).counts, area: 12, bbox: [4, 3, 4, 3] });
    expect(groupvitInstanceMask(classMask.counts, [8, 6, 2, 2], [8, 10])).toBeNull();
  });
});
