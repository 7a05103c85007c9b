// The reader's band-key index over all segments of a snapshot, built once when a reader opens, so a lookup
// costs the same whatever the number of repositories (probing every segment per key made 16k lookups over
// 100 repositories ~100x slower than over one). Compressed sparse rows: the distinct keys sorted ascending,
// for each the range of its units (global ids, ascending, distinct) in one array, and a bucket table on the
// keys' top bits. A lookup is one bucket probe per key, whatever the length of the key's list: scanning
// entries one by one made a 1,000-line generated parser (thousands of keys with lists of 10^4..10^5 units)
// take ~0.5 s.

/** One segment's postings: keys ascending, one entry per (key, unit), local unit ids ascending within a key. */
export interface SegmentPostings {
  readonly keys: Uint32Array;
  readonly units: Uint32Array;
}

const EMPTY = new Uint32Array(0);
/** the (empty) answer for a key with more than maxPostings units */
const SKIPPED = new Uint32Array(0);
/** entries per chunk of the key space when merging: counters and destination of a chunk stay in cache */
const CHUNK_ENTRIES = 1 << 16;

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
    // Scatter all (key, global unit) entries, segments in order, into buckets on the keys' top bits (about 4
    // entries each); a bucket then holds sorted runs, one per segment, and units ascend across the runs of
    // one key. A stable sort by key within each bucket gives (key, unit) order. Each segment's keys ascend,
    // so the key space is done in chunks, each segment's cursor moving on: a chunk's counters and
    // destination stay in cache (scattering over the whole table at once was mostly cache misses: ~1.5 s
    // for 12M entries).
    const eBits = Math.min(24, Math.max(8, Math.floor(Math.log2(Math.max(1, total / 4)))));
    const eShift = 32 - eBits;
    const cBits = Math.min(eBits, Math.max(0, Math.ceil(Math.log2(Math.max(1, total / CHUNK_ENTRIES)))));
    const perChunk = 1 << (eBits - cBits);
    const pos = new Uint32Array((1 << eBits) + 1);
    const keys = new Uint32Array(total);
    // (in shared memory: the decode helper finds candidates in part of them, candidates.ts)
    const units = new Uint32Array(new SharedArrayBuffer(4 * total));
    const cursor = new Uint32Array(segments.length);
    let filled = 0;
    for (let c = 0; c < 1 << cBits; c++) {
      const hLo = c * perChunk, hHi = hLo + perChunk;
      for (let si = 0; si < segments.length; si++) {
        const k = segments[si]!.keys;
        for (let i = cursor[si]!; i < k.length && k[i]! >>> eShift < hHi; i++) pos[(k[i]! >>> eShift) + 1]!++;
      }
      pos[hLo] = filled;
      for (let h = hLo + 1; h <= hHi; h++) pos[h]! += pos[h - 1]!;
      const starts = pos.slice(hLo, hHi + 1);
      for (let si = 0; si < segments.length; si++) {
        const k = segments[si]!.keys;
        const u = segments[si]!.units;
        const base = unitBase[si]!;
        let i = cursor[si]!;
        for (; i < k.length; i++) {
          const key = k[i]!;
          const h = key >>> eShift;
          if (h >= hHi) break;
          if (h < hLo) throw new RangeError(`postings of segment ${si} are not in key order`);
          const d = pos[h]!++;
          keys[d] = key;
          units[d] = base + u[i]!;
        }
        cursor[si] = i;
      }
      if (segments.length > 1) for (let h = 0; h < perChunk; h++) sortBucket(keys, units, starts[h]!, starts[h + 1]!);
      filled = starts[perChunk]!;
    }
    segments.forEach((seg, si) => {
      // a segment whose keys do not ascend would leave entries behind (the readers decode them ascending)
      if (cursor[si] !== seg.keys.length) throw new RangeError(`postings of segment ${si} are not in key order`);
      release(si);
    });
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
    let dUnits = units;
    if (w < total) {
      dUnits = new Uint32Array(new SharedArrayBuffer(4 * w));
      dUnits.set(units.subarray(0, w));
    }
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

  /** the units of all keys, in shared memory: lookup()'s lists are views on it */
  get unitIds(): Uint32Array {
    return this.units;
  }

  get distinctKeys(): number {
    return this.keys.length;
  }

  /** The units of each key (an empty list for a key of more than maxPostings, counted in `skipped`), and each key's first occurrence among them (a repetition shares its list). */
  lookup(query: Uint32Array, maxPostings: number): { postings: Uint32Array[]; skipped: number; first: Int32Array } {
    const { keys, offsets, units, buckets, shift } = this;
    const postings: Uint32Array[] = new Array(query.length);
    const firsts = new Int32Array(query.length);
    let skipped = 0;
    // a query's band keys repeat (its windows overlap): each distinct key is probed once, a repetition takes
    // its first occurrence's answer (an open-addressing table of the query's keys holds first occurrences)
    let bits = 4;
    while (1 << bits < 2 * query.length) bits++;
    const tShift = 32 - bits, mask = (1 << bits) - 1;
    const table = new Int32Array(1 << bits).fill(-1);
    for (let q = 0; q < query.length; q++) {
      const key = query[q]!;
      let t = Math.imul(key, 0x9e3779b1) >>> tShift;
      let first = table[t]!;
      while (first >= 0 && query[first] !== key) { t = (t + 1) & mask; first = table[t]!; }
      firsts[q] = first >= 0 ? first : q;
      if (first >= 0) {
        const p = postings[first]!;
        postings[q] = p;
        if (p === SKIPPED) skipped++;
        continue;
      }
      table[t] = q;
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
        postings[q] = SKIPPED;
        skipped++;
      } else {
        postings[q] = units.subarray(lo, lo + n); // a view: callers only read, and a copy per key cost a third of lookup()
      }
    }
    return { postings, skipped, first: firsts };
  }
}

/** Stable sort of entries [lo, hi) by key. */
function sortBucket(keys: Uint32Array, units: Uint32Array, lo: number, hi: number): void {
  let i = lo + 1;
  while (i < hi && keys[i]! >= keys[i - 1]!) i++;
  if (i >= hi) return;
  if (hi - lo <= 32) {
    for (; i < hi; i++) {
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
    return;
  }
  // a long bucket (keys shared by many units): a numeric sort of (key - min) * m + position, m the power of two
  // above the bucket size, is stable by construction; with the bucket widths of build() the values stay
  // below 2^41, exact in a double
  const n = hi - lo;
  const m = 2 ** (32 - Math.clz32(n));
  let kMin = keys[lo]!;
  for (let j = lo; j < hi; j++) if (keys[j]! < kMin) kMin = keys[j]!;
  const order = new Float64Array(n);
  for (let j = 0; j < n; j++) order[j] = (keys[lo + j]! - kMin) * m + j;
  order.sort();
  const k2 = new Uint32Array(n);
  const u2 = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    const from = lo + (order[j]! % m);
    k2[j] = keys[from]!;
    u2[j] = units[from]!;
  }
  keys.set(k2, lo);
  units.set(u2, lo);
}

function countDistinct(sorted: Uint32Array): number {
  let d = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) d++;
  return d;
}
