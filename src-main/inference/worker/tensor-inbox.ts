import { LwError } from '../../shared/errors';
import type { PreparedTensor } from './worker-messages';

/**
 * Tensors that reached the model stage from the preparation stage, by handle. The client's
 * requests and the tensors travel on two different lines, which are not ordered with each
 * other, so a run may ask for a tensor before it arrives, and a release may come first too.
 */
export class TensorInbox {
  private readonly ready = new Map<number, PreparedTensor>();
  private readonly waiting = new Map<number, (t: PreparedTensor) => void>();
  private readonly dropped = new Set<number>();

  put(handle: number, tensor: PreparedTensor): void {
    if (this.dropped.delete(handle)) return;
    const waiter = this.waiting.get(handle);
    if (waiter) {
      this.waiting.delete(handle);
      waiter(tensor);
    } else this.ready.set(handle, tensor);
  }

  /** The tensor for `handle`, once it is here; each is handed out once. */
  take(handle: number): Promise<PreparedTensor> {
    const t = this.ready.get(handle);
    if (t) {
      this.ready.delete(handle);
      return Promise.resolve(t);
    }
    if (this.waiting.has(handle)) return Promise.reject(new LwError('INVALID_ARGUMENT', `Prepared image ${handle} is already being run`));
    return new Promise((resolve) => this.waiting.set(handle, resolve));
  }

  /** Frees the tensor for `handle`, now or when it arrives. */
  drop(handle: number): void {
    if (!this.ready.delete(handle)) this.dropped.add(handle);
  }

  clear(): void {
    this.ready.clear();
    this.dropped.clear();
  }
}
