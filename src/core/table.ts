// Distinct u32 values with a count each, for the matcher's per-token loops: a Set or Map of such values
// hashes them as heap numbers (most are 32-bit hashes, beyond small integers), and judging a chain made five
// of those operations per token, most of the cost of judging it.

/**
 * Distinct u32 values in order of first appearance, each with a count: open addressing on typed arrays,
 * grown as needed, and emptied in constant time (a stamp per slot), so that one table serves call after call.
 */
export class U32Table {
  /** the distinct values in order of first appearance: values[0, size) */
  values: Uint32Array;
  /** counts[i]: how often values[i] was added */
  counts: Uint32Array;
  size = 0;
  /** per slot: the value's number, valid where stamps[slot] is the current stamp */
  private slots: Uint32Array;
  private stamps: Uint32Array;
  private stamp = 1;
  private shift: number;

  constructor(capacity = 64) {
    let bits = 4;
    while (1 << bits < 2 * capacity) bits++;
    this.shift = 32 - bits;
    this.slots = new Uint32Array(1 << bits);
    this.stamps = new Uint32Array(1 << bits);
    this.values = new Uint32Array(1 << (bits - 1));
    this.counts = new Uint32Array(1 << (bits - 1));
  }

  /** Empties the table. */
  clear(): this {
    this.size = 0;
    if (++this.stamp === 0xffff_ffff) { this.stamps.fill(0); this.stamp = 1; }
    return this;
  }

  /** Adds `n` (default 1) to the count of `v` (taken as a u32), which is added when new; returns its number (order of first appearance). */
  add(v: number, n = 1): number {
    const i = this.numberOf(v, true);
    this.counts[i]! += n;
    return i;
  }

  /** The count of `v`: 0 when it was never added. */
  get(v: number): number {
    const i = this.numberOf(v, false);
    return i < 0 ? 0 : this.counts[i]!;
  }

  /** Sets the count of `v` to `n` when that is more (adding `v` when new). */
  max(v: number, n: number): void {
    const i = this.numberOf(v, true);
    if (n > this.counts[i]!) this.counts[i] = n;
  }

  /** The number of `v` (order of first appearance), or -1 when it was never added. */
  indexOf(v: number): number {
    return this.numberOf(v, false);
  }

  private numberOf(v: number, insert: boolean): number {
    v >>>= 0; // (as the values array holds it: a negative number is found again, not added once more)
    const mask = this.slots.length - 1;
    let h = Math.imul(v, 0x9e3779b1) >>> this.shift;
    for (;;) {
      if (this.stamps[h] !== this.stamp) {
        if (!insert) return -1;
        if (this.size === this.values.length) { this.grow(); return this.numberOf(v, true); }
        this.stamps[h] = this.stamp;
        this.slots[h] = this.size;
        this.values[this.size] = v;
        this.counts[this.size] = 0;
        return this.size++;
      }
      const i = this.slots[h]!;
      if (this.values[i] === v) return i;
      h = (h + 1) & mask;
    }
  }

  /** twice the room; the slots stay at most half full */
  private grow(): void {
    const cap = 2 * this.values.length;
    const values = new Uint32Array(cap); values.set(this.values); this.values = values;
    const counts = new Uint32Array(cap); counts.set(this.counts); this.counts = counts;
    this.shift--;
    this.slots = new Uint32Array(2 * cap);
    this.stamps = new Uint32Array(2 * cap);
    this.stamp = 1;
    const mask = this.slots.length - 1;
    for (let i = 0; i < this.size; i++) {
      let h = Math.imul(values[i]!, 0x9e3779b1) >>> this.shift;
      while (this.stamps[h] === this.stamp) h = (h + 1) & mask;
      this.stamps[h] = this.stamp;
      this.slots[h] = i;
    }
  }
}
