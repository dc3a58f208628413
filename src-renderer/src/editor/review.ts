/**
 * Marking the open image reviewed, then opening the next unreviewed one. Review means
 * decided: with pending predictions the person chooses (the prompt, or the default in the
 * settings) to accept or reject them all, and the service applies that choice with the
 * status. The store owns the state; this is the flow, run behind the store's saves.
 */
import type { PendingPolicy } from '../../../src-main/shared/api';
import { isLwError } from '../../../src-main/shared/errors';
import { errorMessage } from '../../../src-main/shared/rpc';
import type { EditorStore } from './store';

type ReviewHost = Pick<
  EditorStore,
  'client' | 'get' | 'set' | 'info' | 'error' | 'notEditable' | 'load' | 'onSaved' | 'nav'
>;

/** `queue` runs its task after every save in flight (SaveQueue.task): the status follows the edits. */
export async function markReviewedAndNext(
  host: ReviewHost,
  queue: <T>(fn: () => Promise<T>) => Promise<T>,
  policy?: PendingPolicy,
): Promise<void> {
  const s = host.get();
  const id = s.imageId;
  if (id == null) return;
  const blocked = host.notEditable();
  if (blocked) return host.error(`Not marked reviewed: this image cannot be edited — ${blocked}`);
  const pending = s.annotations.filter((a) => a.state === 'pending').length;
  const choice = policy ?? (s.reviewDefault === 'ask' ? undefined : s.reviewDefault);
  if (pending && !choice) return host.set({ reviewPrompt: pending });
  host.set({ reviewPrompt: null });
  let nextId: number | null;
  try {
    nextId = await queue(async () => {
      const r = await host.client.call('images.setStatus', {
        id,
        status: 'reviewed',
        ...(choice ? { pending: choice } : {}),
      });
      if (host.get().imageId === id) {
        // The service decided the pending predictions: show them decided.
        const decided = choice === 'reject' ? 'rejected' : 'accepted';
        host.set({
          status: r.status,
          annotations: host
            .get()
            .annotations.map((a) => (a.state === 'pending' ? { ...a, state: decided } : a)),
        });
      }
      if (r.accepted || r.rejected)
        host.info(r.accepted ? `Accepted ${r.accepted} pending` : `Rejected ${r.rejected} pending`);
      host.onSaved?.(id);
      return (await host.client.call('images.nextUnreviewed', { after: id, nav: host.nav })).id;
    });
  } catch (e) {
    if (isLwError(e) && e.code === 'CONFLICT' && !choice) {
      // The server knows of pending predictions this list does not show: ask.
      const n = (e.details as { pending?: number } | undefined)?.pending ?? 1;
      return host.set({ reviewPrompt: n });
    }
    return host.error(`Not marked reviewed: ${errorMessage(e)}`);
  }
  if (nextId == null) host.info('Reviewed. No unreviewed images left.');
  else if (nextId !== id) await host.load(nextId);
}
