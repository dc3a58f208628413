/**
 * Scratch buffers shared by the RLE encoder and decoder, grown on demand and kept, so a call
 * allocates little more than its result. Held in one object because modules cannot assign
 * each other's bindings. Single-threaded use only (each worker has its own module copy).
 */
export const scratch = {
  evX: new Int32Array(4096),
  evY: new Int32Array(4096),
  pos: new Uint32Array(4096),
  bucket: new Int32Array(1024),
};

export function growEvents(need: number): void {
  let cap = scratch.evX.length;
  while (cap < need) cap *= 2;
  const nx = new Int32Array(cap);
  nx.set(scratch.evX);
  const ny = new Int32Array(cap);
  ny.set(scratch.evY);
  scratch.evX = nx;
  scratch.evY = ny;
}

export function growPos(need: number): void {
  let cap = scratch.pos.length;
  while (cap < need) cap *= 2;
  const np = new Uint32Array(cap);
  np.set(scratch.pos);
  scratch.pos = np;
}

/** A zeroed Int32Array view of at least n counters. */
export function bucketOf(n: number): Int32Array {
  if (scratch.bucket.length < n) scratch.bucket = new Int32Array(Math.max(n, scratch.bucket.length * 2));
  scratch.bucket.fill(0, 0, n);
  return scratch.bucket;
}
