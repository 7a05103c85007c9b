// Typed buffers reused from call to call by code that fills and reads them synchronously: allocating typed
// arrays of a few hundred values or more, hundreds of times per lookup, cost more than the work done in them.

/** Numbered Uint32Array buffers, grown on demand; buffers above `keep` values are not kept. */
export class Scratch {
  private readonly buffers: (Uint32Array | undefined)[] = [];

  constructor(private readonly keep = 1 << 20) {}

  /** n values of buffer `slot`: not zeroed, and valid only until the next call for that slot */
  get(slot: number, n: number): Uint32Array {
    let b = this.buffers[slot];
    if (!b || b.length < n) {
      b = new Uint32Array(Math.max(1024, n, 2 * (b?.length ?? 0)));
      if (b.length <= this.keep) this.buffers[slot] = b;
    }
    return b.subarray(0, n);
  }
}
