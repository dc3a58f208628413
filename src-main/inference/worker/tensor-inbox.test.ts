import { describe, expect, it } from 'vitest';
import { TensorInbox } from './tensor-inbox';
import type { PreparedTensor } from './worker-messages';

const tensor = (w: number): PreparedTensor => ({ data: new Float32Array(3 * w), dims: [1, 3, 1, w], origWidth: w, origHeight: 1, ppWidth: w, ppHeight: 1 });

describe('TensorInbox: tensors and the requests that name them arrive on unordered lines', () => {
  it('a run that asks before its tensor arrives waits for it', async () => {
    const inbox = new TensorInbox();
    const waiting = inbox.take(1);
    inbox.put(2, tensor(2));
    inbox.put(1, tensor(1));
    expect((await waiting).origWidth).toBe(1);
    expect((await inbox.take(2)).origWidth).toBe(2);
  });

  it('a tensor is handed out once', async () => {
    const inbox = new TensorInbox();
    const first = inbox.take(1);
    await expect(inbox.take(1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    inbox.put(1, tensor(1));
    expect((await first).origWidth).toBe(1);
  });

  it('a release that comes before its tensor drops the tensor on arrival', async () => {
    const inbox = new TensorInbox();
    inbox.drop(1);
    inbox.put(1, tensor(1));
    let taken = false;
    void inbox.take(1).then(() => (taken = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(taken).toBe(false);
    inbox.put(1, tensor(7)); // a handle is never reused; this only shows the first tensor was dropped
    await new Promise((r) => setTimeout(r, 0));
    expect(taken).toBe(true);
  });
});
