/**
 * What Space does with an image's pending predictions when it marks the image reviewed:
 * ask each time (the default), or accept / reject them all without asking. A per-browser
 * preference, kept in localStorage.
 */
import type { PendingPolicy } from '../../../src-main/shared/api';

export type ReviewDefault = PendingPolicy | 'ask';

const KEY = 'labelwright.reviewPending';

export function loadReviewDefault(): ReviewDefault {
  try {
    const v = globalThis.localStorage?.getItem(KEY);
    return v === 'accept' || v === 'reject' ? v : 'ask';
  } catch {
    return 'ask'; // storage disabled (private mode): the safe default, asking
  }
}

export function saveReviewDefault(v: ReviewDefault): void {
  try {
    globalThis.localStorage?.setItem(KEY, v);
  } catch {
    // Storage disabled: the choice lasts for this session only (the store holds it).
  }
}
