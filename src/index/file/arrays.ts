// Growable typed arrays and the posting sort used while building a segment.

/** `a` when it has room for `extra` more after its first `n`, else a copy of those `n` with doubled capacity. */
function grown<T extends Uint8Array | Uint32Array>(a: T, n: number, extra: number, make: (capacity: number) => T): T {
  if (n + extra <= a.length) return a;
  let cap = Math.max(1, a.length * 2);
  while (cap < n + extra) cap *= 2;
  const b = make(cap);
  b.set(a.subarray(0, n));
  return b;
}

export class GrowU32 {
  a: Uint32Array;
  n = 0;
  constructor(capacity = 1024) {
    this.a = new Uint32Array(capacity);
  }
  reserve(extra: number): void {
    this.a = grown(this.a, this.n, extra, (cap) => new Uint32Array(cap));
  }
  push(v: number): void {
    this.reserve(1);
    this.a[this.n++] = v;
  }
  pushAll(v: ArrayLike<number>): void {
    this.reserve(v.length);
    this.a.set(v, this.n);
    this.n += v.length;
  }
  view(): Uint32Array {
    return this.a.subarray(0, this.n);
  }
}

export class GrowU8 {
  a: Uint8Array;
  n = 0;
  constructor(capacity = 1024) {
    this.a = new Uint8Array(capacity);
  }
  reserve(extra: number): void {
    this.a = grown(this.a, this.n, extra, (cap) => new Uint8Array(cap));
  }
  pushAll(v: ArrayLike<number>): void {
    this.reserve(v.length);
    this.a.set(v, this.n);
    this.n += v.length;
  }
  view(): Uint8Array {
    return this.a.subarray(0, this.n);
  }
}

/** Sorts ascending and removes duplicates in place; returns the distinct prefix. */
export function sortUnique(a: Uint32Array): Uint32Array {
  a.sort();
  let w = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[w - 1]) a[w++] = a[i]!;
  return a.subarray(0, w);
}

/**
 * Sorts band entries by key. Entry i has slot i (unit-major order); the result lists keys ascending with
 * their slots, slots ascending within a key (stable LSD radix sort, two 16-bit passes). `keys` is reused
 * for the output, so the caller's array is consumed.
 */
export function sortPostings(keys: Uint32Array): { keys: Uint32Array; slots: Uint32Array } {
  const n = keys.length;
  const k2 = new Uint32Array(n);
  const s2 = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let i = 0; i < n; i++) count[keys[i]! & 0xffff]!++;
  prefix(count);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const d = count[k & 0xffff]!++;
    k2[d] = k;
    s2[d] = i;
  }
  count.fill(0);
  for (let i = 0; i < n; i++) count[k2[i]! >>> 16]!++;
  prefix(count);
  const slots = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const k = k2[i]!;
    const d = count[k >>> 16]!++;
    keys[d] = k;
    slots[d] = s2[i]!;
  }
  return { keys, slots };
}

/** Exclusive prefix sum in place. */
export function prefix(c: Uint32Array): void {
  let sum = 0;
  for (let i = 0; i < c.length; i++) {
    const v = c[i]!;
    c[i] = sum;
    sum += v;
  }
}

/** First index in sorted a[lo, hi) with a[i] >= v. */
export function lowerBound(a: Uint32Array, v: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Last index i in sorted a (non-decreasing) with a[i] <= v, for mapping ids to their owner by base offsets. */
export function owner(bases: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = bases.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (bases[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
