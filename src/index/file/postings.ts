// The reader's band-key index over all segments of a snapshot: one array of keys sorted ascending with a
// parallel array of global unit ids (ascending within a key), and a bucket table on the keys' top bits.
// Built once when a reader opens, so a lookup costs the same whatever the number of repositories: probing
// every segment per key made 16k lookups over 100 repositories ~100x slower than over one.
import type { Segment } from './segment-reader';

const EMPTY = new Uint32Array(0);

export class MergedPostings {
  private constructor(
    private readonly keys: Uint32Array,
    private readonly units: Uint32Array,
    /** buckets[h] = first entry with key >>> shift >= h; about 4 entries per bucket */
    private readonly buckets: Uint32Array,
    private readonly shift: number,
  ) {}

  /** Takes over the segments' posting arrays (they are released from the segments). */
  static build(segments: readonly Segment[], unitBase: ArrayLike<number>): MergedPostings {
    let total = 0;
    for (const s of segments) total += s.keys.length;
    if (total > 0xffff_ffff) throw new RangeError('index holds more than 2^32 band entries; split it');
    const bits = Math.min(22, Math.max(8, Math.floor(Math.log2(Math.max(1, total / 4)))));
    const shift = 32 - bits;
    const buckets = new Uint32Array((1 << bits) + 1);
    for (const s of segments) {
      const k = s.keys;
      for (let i = 0; i < k.length; i++) buckets[(k[i]! >>> shift) + 1]!++;
    }
    for (let h = 1; h < buckets.length; h++) buckets[h]! += buckets[h - 1]!;
    const keys = new Uint32Array(total);
    const units = new Uint32Array(total);
    const pos = buckets.slice(0, buckets.length - 1);
    segments.forEach((s, si) => {
      const k = s.keys;
      const slots = s.slots;
      const bands = s.params.bands;
      const base = unitBase[si]!;
      for (let i = 0; i < k.length; i++) {
        const d = pos[k[i]! >>> shift]!++;
        keys[d] = k[i]!;
        units[d] = base + Math.floor(slots[i]! / bands);
      }
      s.releasePostings();
    });
    // Within a bucket, entries are runs sorted per segment, segments in order (so units ascend across runs);
    // a stable insertion sort by key gives (key, unit) order. Buckets hold ~4 entries, so this is linear.
    if (segments.length > 1) {
      for (let h = 0; h + 1 < buckets.length; h++) {
        const lo = buckets[h]!;
        const hi = buckets[h + 1]!;
        for (let i = lo + 1; i < hi; i++) {
          const k = keys[i]!;
          if (k >= keys[i - 1]!) continue;
          const u = units[i]!;
          let j = i - 1;
          while (j >= lo && keys[j]! > k) {
            keys[j + 1] = keys[j]!;
            units[j + 1] = units[j]!;
            j--;
          }
          keys[j + 1] = k;
          units[j + 1] = u;
        }
      }
    }
    return new MergedPostings(keys, units, buckets, shift);
  }

  get entries(): number {
    return this.keys.length;
  }

  lookup(query: Uint32Array, maxPostings: number): { postings: Uint32Array[]; skipped: number } {
    const { keys, units, buckets, shift } = this;
    const postings: Uint32Array[] = new Array(query.length);
    let skipped = 0;
    for (let q = 0; q < query.length; q++) {
      const key = query[q]!;
      const h = key >>> shift;
      let i = buckets[h]!;
      const hi = buckets[h + 1]!;
      while (i < hi && keys[i]! < key) i++;
      let j = i;
      while (j < hi && keys[j] === key) j++;
      if (i === j) {
        postings[q] = EMPTY;
      } else if (j - i > maxPostings) {
        postings[q] = EMPTY;
        skipped++;
      } else {
        const out = units.slice(i, j);
        let n = 1;
        for (let x = 1; x < out.length; x++) if (out[x] !== out[n - 1]) out[n++] = out[x]!;
        postings[q] = n === out.length ? out : out.subarray(0, n);
      }
    }
    return { postings, skipped };
  }
}
