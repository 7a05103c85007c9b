// Compact encodings of the segment format (see format.ts): LEB128 varints, fixed-width bit packing, sorted sets of
// u32 as bucket counts + low bits, posting lists and token streams. Decoders check every bound and throw
// `Malformed`; the segment reader turns it into a "corrupted" error naming the file and the section.
import { GrowU8 } from './arrays';

export class Malformed extends Error {}

/** A growable byte buffer with varint and little-endian writers. */
export class ByteWriter extends GrowU8 {
  constructor() {
    super(256);
  }
  varint(v: number): void {
    if (this.n + 5 > this.a.length) this.reserve(5);
    v >>>= 0;
    while (v >= 0x80) {
      this.a[this.n++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.a[this.n++] = v;
  }
  u16(v: number): void {
    if (this.n + 2 > this.a.length) this.reserve(2);
    this.a[this.n++] = v & 0xff;
    this.a[this.n++] = (v >>> 8) & 0xff;
  }
}

export class ByteReader {
  p = 0;
  constructor(private readonly b: Uint8Array) {}
  varint(): number {
    const b = this.b;
    const x = b[this.p];
    if (x !== undefined && x < 0x80) { // most varints are one byte
      this.p++;
      return x;
    }
    // up to four bytes (28 bits) with integer shifts; a fifth byte carries the top 4 bits
    let v = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (this.p >= b.length) throw new Malformed('ends inside a number');
      const y = b[this.p++]!;
      v |= (y & 0x7f) << shift;
      if (y < 0x80) return v;
    }
    if (this.p >= b.length) throw new Malformed('ends inside a number');
    const y = b[this.p++]!;
    if (y > 0x0f) throw new Malformed(y & 0x80 ? 'number too long' : 'number out of range');
    return v + y * 0x1000_0000;
  }

  u16(): number {
    if (this.p + 2 > this.b.length) throw new Malformed('ends inside a number');
    const v = this.b[this.p]! | (this.b[this.p + 1]! << 8);
    this.p += 2;
    return v;
  }
  get done(): boolean {
    return this.p === this.b.length;
  }
  end(): void {
    if (!this.done) throw new Malformed('has trailing bytes');
  }
}

/** Bits needed to store values 0..max. */
export const bitsFor = (max: number): number => (max <= 0 ? 0 : 32 - Math.clz32(max));

/** Packs `count` values of `width` bits (0..32), least significant bit first. */
export function packBits(values: ArrayLike<number>, width: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((values.length * width) / 8));
  if (width === 0) return out;
  let p = 0;
  if (width <= 24) {
    // 32-bit integer arithmetic: fewer than 8 bits are pending when a value is shifted in
    const mask = (1 << width) - 1;
    let acc = 0;
    let nacc = 0;
    for (let i = 0; i < values.length; i++) {
      acc |= (values[i]! & mask) << nacc;
      nacc += width;
      while (nacc >= 8) {
        out[p++] = acc & 0xff;
        acc >>>= 8;
        nacc -= 8;
      }
    }
    if (nacc > 0) out[p] = acc;
    return out;
  }
  let acc = 0; // pending bits, fewer than 8 after each flush, as a float to hold up to 40 bits
  let nacc = 0;
  for (let i = 0; i < values.length; i++) {
    acc += (values[i]! >>> 0) * 2 ** nacc;
    nacc += width;
    while (nacc >= 8) {
      out[p++] = acc % 256;
      acc = Math.floor(acc / 256);
      nacc -= 8;
    }
  }
  if (nacc > 0) out[p] = acc;
  return out;
}

/** Unpacks `count` values of `width` bits; the input must have exactly the packed length. */
export function unpackBits(bytes: Uint8Array, count: number, width: number, out = new Uint32Array(count)): Uint32Array {
  if (bytes.length !== Math.ceil((count * width) / 8)) throw new Malformed('bit-packed array has the wrong size');
  if (width === 0) return out.fill(0);
  if (width <= 24) {
    // 32-bit integer arithmetic: fewer than `width` <= 24 bits are pending when a byte is shifted in
    const mask = (1 << width) - 1;
    let acc = 0;
    let nacc = 0;
    let p = 0;
    for (let i = 0; i < count; i++) {
      while (nacc < width) {
        acc |= bytes[p++]! << nacc;
        nacc += 8;
      }
      out[i] = acc & mask;
      acc >>>= width;
      nacc -= width;
    }
    return out;
  }
  const base = 2 ** width;
  let acc = 0; // up to width + 7 bits: exact as a float
  let nacc = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    while (nacc < width) {
      acc += bytes[p++]! * 2 ** nacc;
      nacc += 8;
    }
    out[i] = acc % base;
    acc = Math.floor(acc / base);
    nacc -= width;
  }
  return out;
}

/**
 * A sorted set of distinct u32 values: bucket b holds the values whose top `bits` bits are b; the varints
 * give each bucket's size, the packed array each value's low 32 - bits bits. About log2(2^32 / n) + 2 bits
 * per value, against 32 for the values themselves.
 */
export interface PackedSet {
  /** varint count, varint bits, then 2^bits varint bucket sizes: compressible */
  readonly counts: Uint8Array;
  /** the low bits, packed: incompressible */
  readonly low: Uint8Array;
}

export function encodeSet(sorted: Uint32Array): PackedSet {
  const n = sorted.length;
  const bits = Math.min(24, Math.max(0, Math.round(Math.log2(Math.max(1, n)))));
  const w = new ByteWriter();
  w.varint(n);
  w.varint(bits);
  const shift = 32 - bits;
  // one pass: check the order, count the buckets, keep the low bits
  const buckets = new Uint32Array(2 ** bits);
  const lowMask = bits === 0 ? 0xffff_ffff : 2 ** shift - 1;
  const low = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    const v = sorted[j]!;
    if (j > 0 && v <= sorted[j - 1]!) throw new Error('encodeSet: values are not distinct and ascending');
    if (bits > 0) buckets[v >>> shift]!++;
    low[j] = v & lowMask;
  }
  if (bits === 0) buckets[0] = n;
  for (let b = 0; b < buckets.length; b++) w.varint(buckets[b]!);
  return { counts: w.view().slice(), low: packBits(low, shift) };
}

export function decodeSet(counts: Uint8Array, low: Uint8Array): Uint32Array {
  const r = new ByteReader(counts);
  const n = r.varint();
  const bits = r.varint();
  if (bits > 24) throw new Malformed('bad bucket width');
  const shift = 32 - bits;
  const out = unpackBits(low, n, shift);
  const buckets = 2 ** bits;
  const step = bits === 0 ? 0 : 2 ** shift;
  let i = 0;
  for (let b = 0; b < buckets; b++) {
    const c = r.varint();
    if (c === 0) continue;
    const end = i + c;
    if (end > n) throw new Malformed('bucket sizes exceed the count');
    const hi = b * step;
    let prev = -1;
    for (let j = i; j < end; j++) {
      const v = hi + out[j]!;
      if (v <= prev) throw new Malformed('values are not ascending');
      out[j] = v;
      prev = v;
    }
    i = end;
  }
  if (i !== n) throw new Malformed('bucket sizes do not add up');
  r.end();
  return out;
}

/**
 * Posting lists of one segment: for each distinct key (a PackedSet), its units ascending and distinct.
 * `lists` (compressible) holds per key the list length - 1, then per key the gaps - 1 between its units;
 * `first` (packed) the first unit of each list in bitsFor(unitCount - 1) bits.
 */
export interface PackedPostings {
  readonly keys: PackedSet;
  readonly lists: Uint8Array;
  readonly first: Uint8Array;
}

/** `keys` ascending, `units` ascending within a key; duplicate (key, unit) entries are dropped. */
export function encodePostings(keys: Uint32Array, units: Uint32Array, unitCount: number): PackedPostings {
  const distinct = new Uint32Array(keys.length);
  const firsts = new Uint32Array(keys.length);
  let d = 0;
  const lengths = new ByteWriter();
  const gaps = new ByteWriter();
  let len = 0;
  for (let i = 0; i < keys.length; i++) {
    if (i === 0 || keys[i] !== keys[i - 1]) {
      if (i > 0) lengths.varint(len - 1);
      distinct[d] = keys[i]!;
      firsts[d++] = units[i]!;
      len = 1;
    } else if (units[i] !== units[i - 1]) {
      if (units[i]! < units[i - 1]!) throw new Error('encodePostings: units are not ascending within a key');
      gaps.varint(units[i]! - units[i - 1]! - 1);
      len++;
    }
  }
  if (keys.length) lengths.varint(len - 1);
  const lists = new Uint8Array(lengths.n + gaps.n);
  lists.set(lengths.view(), 0);
  lists.set(gaps.view(), lengths.n);
  return { keys: encodeSet(distinct.subarray(0, d)), lists, first: packBits(firsts.subarray(0, d), bitsFor(unitCount - 1)) };
}

/** The entries again: keys ascending (repeated per unit), units ascending within a key. */
export function decodePostings(p: PackedPostings, unitCount: number, maxEntries: number): { keys: Uint32Array; units: Uint32Array } {
  const distinct = decodeSet(p.keys.counts, p.keys.low);
  const d = distinct.length;
  const first = unpackBits(p.first, d, bitsFor(unitCount - 1));
  const r = new ByteReader(p.lists);
  const lens = new Uint32Array(d);
  let total = 0;
  for (let i = 0; i < d; i++) {
    lens[i] = r.varint() + 1;
    total += lens[i]!;
  }
  if (total > maxEntries) throw new Malformed('more postings than units can have');
  const keys = new Uint32Array(total);
  const units = new Uint32Array(total);
  let w = 0;
  for (let i = 0; i < d; i++) {
    let u = first[i]!;
    for (let j = 0; j < lens[i]!; j++) {
      if (j > 0) u += r.varint() + 1;
      if (u >= unitCount) throw new Malformed('a posting names a unit that does not exist');
      keys[w] = distinct[i]!;
      units[w++] = u;
    }
  }
  r.end();
  return { keys, units };
}

/**
 * A file's token stream: codes as indexes into a code table (the file's table in CODE_TABLES), (code, raw)
 * pairs as a per-file dictionary in order of first use, the tokens as dictionary indexes and lines as deltas.
 *   varint T, varint P, P x (varint table index, u16 raw unless the table has the code's constant raw),
 *   T x varint pair index, T x varint line delta
 * `vocab` maps codes to table indexes; a code it lacks is appended (a table grown in order of first use),
 * or, with a frozen table (`frozen` given), throws, as does a raw hash other than the code's constant one.
 * `frozen.used` gets a 1 at each table index used.
 */
export function encodeTokens(codes: Uint32Array, raw: Uint16Array, lines: Uint32Array, vocab: Map<number, number> | CodeIndex,
  frozen?: { raws: Int32Array; used: Uint8Array }): Uint8Array {
  const t = codes.length;
  const pairs = PairTable.shared();
  const dict = new ByteWriter();
  const stream = new ByteWriter();
  let lastCode = -1, lastV = 0;
  for (let i = 0; i < t; i++) {
    const code = codes[i]!;
    let v: number | undefined = lastV;
    if (code !== lastCode) {
      v = vocab.get(code);
      if (v === undefined) {
        if (frozen || !(vocab instanceof Map)) throw new Error(`token code ${code} is not in the code table`);
        v = vocab.size;
        vocab.set(code, v);
      }
      lastCode = code;
      lastV = v;
    }
    const key = v * 65536 + raw[i]!;
    let p = pairs.get(key);
    if (p < 0) {
      p = pairs.add(key);
      dict.varint(v);
      if (!frozen) dict.u16(raw[i]!);
      else {
        const rc = frozen.raws[v]!;
        if (rc < 0) dict.u16(raw[i]!);
        else if (rc !== raw[i]) throw new Error(`token code ${codes[i]} has a raw hash other than its constant one`);
        frozen.used[v] = 1;
      }
    }
    stream.varint(p);
  }
  for (let i = 0; i < t; i++) stream.varint(lines[i]! - (i ? lines[i - 1]! : 0));
  const head = new ByteWriter();
  head.varint(t);
  head.varint(pairs.size);
  const out = new Uint8Array(head.n + dict.n + stream.n);
  out.set(head.view(), 0);
  out.set(dict.view(), head.n);
  out.set(stream.view(), head.n + dict.n);
  return out;
}

/**
 * Code -> table index for a frozen code table, by open addressing on typed arrays: codes are 32-bit
 * hashes, which a Map hashes as heap numbers (two Map lookups per token were ~half of encodeTokens).
 */
export class CodeIndex {
  private readonly keys: Uint32Array;
  private readonly vals: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

  constructor(codes: ArrayLike<number>) {
    const bits = Math.max(4, Math.ceil(Math.log2(Math.max(1, codes.length) * 4)));
    this.keys = new Uint32Array(1 << bits);
    this.vals = new Int32Array(1 << bits).fill(-1);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i]! >>> 0;
      let h = Math.imul(code, 0x9e3779b1) >>> this.shift;
      while (this.vals[h] !== -1 && this.keys[h] !== code) h = (h + 1) & this.mask;
      if (this.vals[h] === -1) { this.keys[h] = code; this.vals[h] = i; } // the first index of a repeated code wins, as in a Map built in order
    }
  }

  get(code: number): number | undefined {
    let h = Math.imul(code, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const v = this.vals[h]!;
      if (v === -1) return undefined;
      if (this.keys[h] === code) return v;
      h = (h + 1) & this.mask;
    }
  }
}

/**
 * A file's (code index, raw) pairs -> pair number, in order of first use: open addressing on typed arrays,
 * one table per thread reused from file to file (a stamp marks the current file's slots).
 */
class PairTable {
  private static instance: PairTable | undefined;
  private keys = new Int32Array(1 << 12);
  private vals = new Int32Array(1 << 12);
  private stamps = new Uint32Array(1 << 12);
  private shift = 32 - 12;
  private stamp = 0;
  private list: number[] = [];

  get size(): number {
    return this.list.length;
  }

  static shared(): PairTable {
    const t = (PairTable.instance ??= new PairTable());
    t.start();
    return t;
  }

  private start(): void {
    this.list.length = 0;
    if (++this.stamp === 0xffff_ffff) { this.stamps.fill(0); this.stamp = 1; }
  }

  /** the pair number of `key` (< 2^31), or -1 */
  get(key: number): number {
    const mask = this.keys.length - 1;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    for (;;) {
      if (this.stamps[h] !== this.stamp) return -1;
      if (this.keys[h] === key) return this.vals[h]!;
      h = (h + 1) & mask;
    }
  }

  /** adds a key not in the table; returns its pair number */
  add(key: number): number {
    const p = this.list.length;
    this.list.push(key);
    if (2 * this.list.length > this.keys.length) this.grow();
    else this.put(key, p);
    return p;
  }

  private put(key: number, p: number): void {
    const mask = this.keys.length - 1;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (this.stamps[h] === this.stamp) h = (h + 1) & mask;
    this.keys[h] = key;
    this.vals[h] = p;
    this.stamps[h] = this.stamp;
  }

  private grow(): void {
    const n = this.keys.length * 2;
    this.keys = new Int32Array(n);
    this.vals = new Int32Array(n);
    this.stamps = new Uint32Array(n);
    this.shift--;
    this.stamp = 1;
    this.list.forEach((key, p) => this.put(key, p));
  }
}

/** the dictionary of the file being decoded (decoding is synchronous, so one scratch pair serves all) */
let scratchCode = new Uint32Array(1024);
let scratchRaw = new Uint16Array(1024);

/**
 * Decodes a token stream into one buffer (codes, lines: u32; raw: u16), so a file costs one allocation.
 * `table` may be sparse (`valid`) and have constant raw hashes (`raws`), see StoredTable. `used`, when
 * given, gets a 1 at each table index the stream uses (what encodeTokens marks in `frozen.used`).
 */
export function decodeTokens(bytes: Uint8Array, table: Uint32Array | StoredTable, tokenCount: number, used?: Uint8Array): { codes: Uint32Array; raw: Uint16Array; lines: Uint32Array } {
  const vocab = table instanceof Uint32Array ? table : table.codes;
  const valid = table instanceof Uint32Array ? undefined : table.valid;
  const raws = table instanceof Uint32Array ? undefined : table.raws;
  const r = new ByteReader(bytes);
  const t = r.varint();
  if (t !== tokenCount) throw new Malformed('has the wrong token count');
  const p = r.varint();
  if (p > t) throw new Malformed('has more pairs than tokens');
  if (scratchCode.length < p) {
    scratchCode = new Uint32Array(2 * p);
    scratchRaw = new Uint16Array(2 * p);
  }
  const pCode = scratchCode;
  const pRaw = scratchRaw;
  for (let i = 0; i < p; i++) {
    const v = r.varint();
    if (v >= vocab.length || (valid && !valid[v])) throw new Malformed('names a code outside the code table');
    if (used) used[v] = 1;
    pCode[i] = vocab[v]!;
    pRaw[i] = raws && raws[v]! >= 0 ? raws[v]! : r.u16();
  }
  const buf = new ArrayBuffer(10 * t);
  const codes = new Uint32Array(buf, 0, t);
  const lines = new Uint32Array(buf, 4 * t, t);
  const raw = new Uint16Array(buf, 8 * t, t);
  // the hot loops of file(): one-byte varints inline on a local position, longer ones through the reader
  const n = bytes.length;
  let pos = r.p;
  for (let i = 0; i < t; i++) {
    let x = pos < n ? bytes[pos]! : 0x80;
    if (x < 0x80) pos++;
    else if (pos + 1 < n && bytes[pos + 1]! < 0x80) { x = (x & 0x7f) | (bytes[pos + 1]! << 7); pos += 2; }
    else { r.p = pos; x = r.varint(); pos = r.p; }
    if (x >= p) throw new Malformed('names a pair outside the dictionary');
    codes[i] = pCode[x]!;
    raw[i] = pRaw[x]!;
  }
  let line = 0;
  for (let i = 0; i < t; i++) {
    let x = pos < n ? bytes[pos]! : 0x80;
    if (x < 0x80) pos++;
    else { r.p = pos; x = r.varint(); pos = r.p; }
    line = (line + x) >>> 0;
    lines[i] = line;
  }
  r.p = pos;
  r.end();
  return { codes, raw, lines };
}

/** A code table as a segment stores it: the codes at the indexes that some token stream uses. */
export interface StoredTable {
  readonly codes: Uint32Array;
  /** 1 at each index that holds a code; undefined: every index does */
  readonly valid: Uint8Array | undefined;
  /** each code's constant raw hash (token streams do not repeat it), or -1; undefined: none has one */
  readonly raws: Int32Array | undefined;
}

/**
 * The code tables of a segment (CODE_TABLES). A table is stored sparsely: only the codes its token streams
 * use, so a grammar's whole table costs no more than the codes a repository needs.
 *   varint count, per table: varint n, ceil(n / 8) bytes bit mask of the used indexes (bit i % 8 of byte
 *   i / 8), the same for the used indexes whose code has a constant raw hash, then per used index
 *   ascending its code as u32 little-endian and, when constant, its raw hash as u16 little-endian
 */
export function encodeCodeTables(tables: readonly { codes: ArrayLike<number>; raws?: ArrayLike<number>; used: Uint8Array }[]): Uint8Array {
  const w = new ByteWriter();
  w.varint(tables.length);
  for (const { codes, raws, used } of tables) {
    const n = codes.length;
    w.varint(n);
    const mask = new Uint8Array(Math.ceil(n / 8));
    const constant = new Uint8Array(mask.length);
    for (let i = 0; i < n; i++) {
      if (!used[i]) continue;
      mask[i >> 3]! |= 1 << (i & 7);
      if (raws && raws[i]! >= 0) constant[i >> 3]! |= 1 << (i & 7);
    }
    w.pushAll(mask);
    w.pushAll(constant);
    for (let i = 0; i < n; i++) {
      if (!used[i]) continue;
      const c = codes[i]! >>> 0;
      w.reserve(4);
      w.a[w.n++] = c & 0xff; w.a[w.n++] = (c >>> 8) & 0xff; w.a[w.n++] = (c >>> 16) & 0xff; w.a[w.n++] = c >>> 24;
      if (raws && raws[i]! >= 0) w.u16(raws[i]!);
    }
  }
  return w.view().slice();
}

export function decodeCodeTables(bytes: Uint8Array): StoredTable[] {
  const r = new ByteReader(bytes);
  const count = r.varint();
  if (count > bytes.length) throw new Malformed('more code tables than bytes');
  const out: StoredTable[] = [];
  for (let t = 0; t < count; t++) {
    const n = r.varint();
    const maskBytes = Math.ceil(n / 8);
    if (r.p + 2 * maskBytes > bytes.length) throw new Malformed('ends inside a code table');
    const mask = bytes.subarray(r.p, r.p + maskBytes), constant = bytes.subarray(r.p + maskBytes, r.p + 2 * maskBytes);
    r.p += 2 * maskBytes;
    if (n % 8 && (mask[maskBytes - 1]! >> (n % 8) || constant[maskBytes - 1]! >> (n % 8))) throw new Malformed('code table mask has bits past its end');
    const valid = new Uint8Array(n), raws = new Int32Array(n).fill(-1);
    let used = 0, constants = 0;
    const codes = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const bit = 1 << (i & 7);
      if (!(mask[i >> 3]! & bit)) {
        if (constant[i >> 3]! & bit) throw new Malformed('code table has a raw hash for an unused index');
        continue;
      }
      valid[i] = 1;
      used++;
      if (r.p + 4 > bytes.length) throw new Malformed('ends inside a code table');
      codes[i] = (bytes[r.p]! | (bytes[r.p + 1]! << 8) | (bytes[r.p + 2]! << 16) | (bytes[r.p + 3]! << 24)) >>> 0;
      r.p += 4;
      if (constant[i >> 3]! & bit) {
        raws[i] = r.u16();
        constants++;
      }
    }
    out.push({ codes, valid: used === n ? undefined : valid, raws: constants ? raws : undefined });
  }
  r.end();
  return out;
}
