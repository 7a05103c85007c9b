// The reader's band-key index over all segments of a snapshot, built once when a reader opens, so a lookup
// costs the same whatever the number of repositories (probing every segment per key made 16k lookups over
// 100 repositories ~100x slower than over one). Compressed sparse rows: the distinct keys sorted ascending,
// for each the range of its units (global ids, ascending, distinct) in one array, and a bucket table on the
// keys' top bits. A lookup is one bucket probe per key, whatever the length of the key's list: scanning
// entries one by one made a 1,000-line generated parser (thousands of keys with lists of 10^4..10^5 units)
// take ~0.5 s.
import { prefix } from './arrays';

/** One segment's postings: keys ascending, one entry per (key, unit), local unit ids ascending within a key. */
export interface SegmentPostings {
  readonly keys: Uint32Array;
  readonly units: Uint32Array;
}

const EMPTY = new Uint32Array(0);

export class MergedPostings {
  private constructor(
    /** distinct keys, ascending */
    private readonly keys: Uint32Array,
    /** units of keys[i] are units[offsets[i] .. offsets[i+1]) */
    private readonly offsets: Uint32Array,
    private readonly units: Uint32Array,
    /** buckets[h] = first distinct key with key >>> shift >= h; about 2 keys per bucket */
    private readonly buckets: Uint32Array,
    private readonly shift: number,
  ) {}

  /** `release(i)` is called once segment i's arrays have been copied, so it can drop them. */
  static build(segments: readonly SegmentPostings[], unitBase: ArrayLike<number>, release: (i: number) => void = () => {}): MergedPostings {
    let total = 0;
    for (const s of segments) total += s.keys.length;
    if (total > 0xffff_ffff) throw new RangeError('index holds more than 2^32 band entries; split it');
    // Stable LSD radix sort of all (key, global unit) entries, segments in order: by the low 16 bits of the
    // key straight out of the segments, then by the high 16 bits. Stability keeps units ascending within a
    // key (segments come in unit order, and each lists a key's units ascending).
    const count = new Uint32Array(65536);
    for (const s of segments) for (let i = 0; i < s.keys.length; i++) count[s.keys[i]! & 0xffff]!++;
    prefix(count);
    let tk = new Uint32Array(total);
    let tu = new Uint32Array(total);
    segments.forEach((s, si) => {
      const k = s.keys;
      const u = s.units;
      const base = unitBase[si]!;
      for (let i = 0; i < k.length; i++) {
        const d = count[k[i]! & 0xffff]!++;
        tk[d] = k[i]!;
        tu[d] = base + u[i]!;
      }
      release(si);
    });
    count.fill(0);
    for (let i = 0; i < total; i++) count[tk[i]! >>> 16]!++;
    prefix(count);
    const keys = new Uint32Array(total);
    const units = new Uint32Array(total);
    for (let i = 0; i < total; i++) {
      const d = count[tk[i]! >>> 16]!++;
      keys[d] = tk[i]!;
      units[d] = tu[i]!;
    }
    tk = tu = EMPTY;
    // compress: distinct keys, offsets, units without repeats within a key
    const offsets = new Uint32Array(countDistinct(keys) + 1);
    let distinct = 0;
    let w = 0;
    for (let i = 0; i < total; i++) {
      const k = keys[i]!;
      if (i === 0 || k !== keys[i - 1]) {
        offsets[distinct] = w;
        keys[distinct++] = k;
        units[w++] = units[i]!;
      } else if (units[i] !== units[w - 1]) {
        units[w++] = units[i]!;
      }
    }
    offsets[distinct] = w;
    const dKeys = keys.slice(0, distinct);
    const dUnits = w === total ? units : units.slice(0, w);
    const bits = Math.min(24, Math.max(8, Math.floor(Math.log2(Math.max(1, distinct / 2)))));
    const shift = 32 - bits;
    const buckets = new Uint32Array((1 << bits) + 1);
    for (let i = 0; i < distinct; i++) buckets[(dKeys[i]! >>> shift) + 1]!++;
    for (let h = 1; h < buckets.length; h++) buckets[h]! += buckets[h - 1]!;
    return new MergedPostings(dKeys, offsets, dUnits, buckets, shift);
  }

  /** (key, unit) entries */
  get entries(): number {
    return this.units.length;
  }

  get distinctKeys(): number {
    return this.keys.length;
  }

  lookup(query: Uint32Array, maxPostings: number): { postings: Uint32Array[]; skipped: number } {
    const { keys, offsets, units, buckets, shift } = this;
    const postings: Uint32Array[] = new Array(query.length);
    let skipped = 0;
    for (let q = 0; q < query.length; q++) {
      const key = query[q]!;
      const h = key >>> shift;
      let i = buckets[h]!;
      const hi = buckets[h + 1]!;
      while (i < hi && keys[i]! < key) i++;
      if (i === hi || keys[i] !== key) {
        postings[q] = EMPTY;
        continue;
      }
      const lo = offsets[i]!;
      const n = offsets[i + 1]! - lo;
      if (n > maxPostings) {
        postings[q] = EMPTY;
        skipped++;
      } else {
        postings[q] = units.slice(lo, lo + n);
      }
    }
    return { postings, skipped };
  }
}

function countDistinct(sorted: Uint32Array): number {
  let d = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) d++;
  return d;
}
