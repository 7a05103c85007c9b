// Compact encodings of the segment format (see format.ts): LEB128 varints, fixed-width bit packing, sorted sets of
// u32 as bucket counts + low bits, posting lists and token streams. Decoders check every bound and throw
// `Malformed`; the segment reader turns it into a "corrupted" error naming the file and the section.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
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
  byte(v: number): void {
    if (this.n === this.a.length) this.reserve(1);
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
  constructor(readonly bytes: Uint8Array) {}
  varint(): number {
    const b = this.bytes;
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
    if (this.p + 2 > this.bytes.length) throw new Malformed('ends inside a number');
    const v = this.bytes[this.p]! | (this.bytes[this.p + 1]! << 8);
    this.p += 2;
    return v;
  }
  get done(): boolean {
    return this.p === this.bytes.length;
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
 * A sorted set of distinct u32 values (Elias-Fano): bucket b holds the values whose top `bits` bits are b
 * (bits = ceil(log2 count)); `counts` gives each bucket's size in unary, `low` each value's low 32 - bits
 * bits. About log2(2^32 / n) + 2.5 bits per value, against 32 for the values themselves.
 */
export interface PackedSet {
  /** varint count, varint bits, then per bucket its size in 1 bits and a 0 bit (least significant first) */
  readonly counts: Uint8Array;
  /** the low bits, packed */
  readonly low: Uint8Array;
}

const setBits = (n: number): number => Math.min(24, Math.ceil(Math.log2(Math.max(1, n))));

export function encodeSet(sorted: Uint32Array): PackedSet {
  const n = sorted.length;
  const bits = setBits(n);
  const w = new ByteWriter();
  w.varint(n);
  w.varint(bits);
  const shift = 32 - bits;
  const buckets = 2 ** bits;
  const head = w.n;
  w.reserve(Math.ceil((n + buckets) / 8));
  w.n += Math.ceil((n + buckets) / 8);
  const unary = w.a.subarray(head, w.n).fill(0);
  // one pass: check the order, set a 1 per value after the 0s of the buckets before, keep the low bits
  const lowMask = bits === 0 ? 0xffff_ffff : 2 ** shift - 1;
  const low = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    const v = sorted[j]!;
    if (j > 0 && v <= sorted[j - 1]!) throw new Error('encodeSet: values are not distinct and ascending');
    const at = j + (bits > 0 ? v >>> shift : 0);
    unary[at >>> 3]! |= 1 << (at & 7);
    low[j] = v & lowMask;
  }
  return { counts: w.view().slice(), low: packBits(low, shift) };
}

export function decodeSet(counts: Uint8Array, low: Uint8Array): Uint32Array {
  const r = new ByteReader(counts);
  const n = r.varint();
  const bits = r.varint();
  if (bits !== setBits(n)) throw new Malformed('bad bucket width');
  const shift = 32 - bits;
  const buckets = 2 ** bits, total = n + buckets;
  if (counts.length - r.p !== Math.ceil(total / 8)) throw new Malformed('bucket sizes have the wrong length');
  const out = unpackBits(low, n, shift);
  const step = bits === 0 ? 0 : 2 ** shift;
  const unary = counts.subarray(r.p);
  // the j-th 1 bit, at bit i, is a value of bucket i - j (the 0s before it); a byte at a time, 1 bits by ctz
  let j = 0, prev = -1;
  for (let k = 0; k < unary.length; k++) {
    let byte = unary[k]!;
    while (byte !== 0) {
      const i = 8 * k + 31 - Math.clz32(byte & -byte);
      if (j === n || i - j >= buckets) throw new Malformed('bucket sizes exceed the count');
      const v = (i - j) * step + out[j]!;
      if (v <= prev) throw new Malformed('values are not ascending');
      out[j++] = prev = v;
      byte &= byte - 1;
    }
  }
  if (j !== n) throw new Malformed('bucket sizes do not add up');
  return out;
}

/**
 * Posting lists of one segment: for each distinct key (a PackedSet), its units ascending and distinct.
 * `lengths` marks the end of each key's list with a 1 bit among its entries' bits (len - 1 0s, then a 1;
 * least significant first), `gaps` (compressible) holds per key the varint gaps - 1 between its units, and
 * `first` (packed) the first unit of each list in bitsFor(unitCount - 1) bits.
 */
export interface PackedPostings {
  readonly keys: PackedSet;
  readonly lengths: Uint8Array;
  readonly gaps: Uint8Array;
  readonly first: Uint8Array;
}

/** `keys` ascending, `units` ascending within a key; duplicate (key, unit) entries are dropped. */
export function encodePostings(keys: Uint32Array, units: Uint32Array, unitCount: number): PackedPostings {
  const distinct = new Uint32Array(keys.length);
  const firsts = new Uint32Array(keys.length);
  const ends = new Uint8Array(Math.ceil(keys.length / 8));
  let d = 0, entries = 0;
  const gaps = new ByteWriter();
  for (let i = 0; i < keys.length; i++) {
    if (i === 0 || keys[i] !== keys[i - 1]) {
      if (i > 0) ends[(entries - 1) >>> 3]! |= 1 << ((entries - 1) & 7);
      distinct[d] = keys[i]!;
      firsts[d++] = units[i]!;
      entries++;
    } else if (units[i] !== units[i - 1]) {
      if (units[i]! < units[i - 1]!) throw new Error('encodePostings: units are not ascending within a key');
      gaps.varint(units[i]! - units[i - 1]! - 1);
      entries++;
    }
  }
  if (entries) ends[(entries - 1) >>> 3]! |= 1 << ((entries - 1) & 7);
  return {
    keys: encodeSet(distinct.subarray(0, d)),
    lengths: ends.slice(0, Math.ceil(entries / 8)),
    gaps: gaps.view().slice(),
    first: packBits(firsts.subarray(0, d), bitsFor(unitCount - 1)),
  };
}

/** The entries again: keys ascending (repeated per unit), units ascending within a key. */
export function decodePostings(p: PackedPostings, unitCount: number, maxEntries: number): { keys: Uint32Array; units: Uint32Array } {
  const distinct = decodeSet(p.keys.counts, p.keys.low);
  const d = distinct.length;
  const first = unpackBits(p.first, d, bitsFor(unitCount - 1));
  // each list's end: the i-th 1 bit
  const ends = new Uint32Array(d);
  let k = 0;
  for (let b = 0; b < p.lengths.length; b++) {
    let byte = p.lengths[b]!;
    while (byte !== 0) {
      if (k === d) throw new Malformed('more lists than keys');
      ends[k++] = 8 * b + 31 - Math.clz32(byte & -byte);
      byte &= byte - 1;
    }
  }
  if (k !== d) throw new Malformed('fewer lists than keys');
  const total = d ? ends[d - 1]! + 1 : 0;
  if (p.lengths.length !== Math.ceil(total / 8)) throw new Malformed('list ends have the wrong length');
  if (total > maxEntries) throw new Malformed('more postings than units can have');
  const r = new ByteReader(p.gaps);
  const keys = new Uint32Array(total);
  const units = new Uint32Array(total);
  let w = 0;
  for (let i = 0; i < d; i++) {
    let u = first[i]!;
    const end = ends[i]!;
    for (;;) {
      if (u >= unitCount) throw new Malformed('a posting names a unit that does not exist');
      keys[w] = distinct[i]!;
      units[w] = u;
      if (w++ === end) break;
      u += r.varint() + 1;
    }
  }
  r.end();
  return { keys, units };
}

/**
 * A segment's per-file numbers (FILE_NUMS, format 4): varint columns of F values each (units, tokenCount,
 * sourceBytes, blobLength, codeTable), then blobCrc as F x u32 little-endian (random bits).
 */
export interface FileNums {
  /** per file its stored units * 2, + 1 when the index windows follow them unstored (UnitColumns) */
  readonly units: Uint32Array;
  readonly tokenCount: Uint32Array;
  readonly sourceBytes: Uint32Array;
  readonly blobLength: Uint32Array;
  readonly codeTable: Uint32Array;
  readonly blobCrc: Uint32Array;
}

const NUM_COLUMNS = ['units', 'tokenCount', 'sourceBytes', 'blobLength', 'codeTable'] as const;

export function encodeFileNums(n: FileNums): Uint8Array {
  const w = new ByteWriter();
  for (const c of NUM_COLUMNS) for (const v of n[c]) w.varint(v);
  for (const v of n.blobCrc) { w.u16(v & 0xffff); w.u16(v >>> 16); }
  return w.view().slice();
}

export function decodeFileNums(bytes: Uint8Array, fileCount: number): FileNums {
  const r = new ByteReader(bytes);
  const cols = NUM_COLUMNS.map(() => {
    const a = new Uint32Array(fileCount);
    for (let i = 0; i < fileCount; i++) a[i] = r.varint();
    return a;
  });
  const blobCrc = new Uint32Array(fileCount);
  for (let i = 0; i < fileCount; i++) blobCrc[i] = (r.u16() | (r.u16() << 16)) >>> 0;
  r.end();
  const [units, tokenCount, sourceBytes, blobLength, codeTable] = cols as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  return { units, tokenCount, sourceBytes, blobLength, codeTable, blobCrc };
}

/**
 * The stored units of a segment (format 4: a file's index windows are not stored when they follow its other
 * units, FileNums.units): UNIT_KINDS u8 per unit, UNIT_STARTS varint per unit its start - the previous
 * stored unit's start in the file (mod 2^32, zigzag; the first from 0), UNIT_LENGTHS varint per unit end - start.
 */
export interface UnitColumns {
  readonly kinds: Uint8Array;
  readonly starts: Uint8Array;
  readonly lengths: Uint8Array;
}

/** Units of one file after another (UnitColumns); `file()` starts the next file. */
export class UnitWriter {
  private readonly kinds = new ByteWriter();
  private readonly starts = new ByteWriter();
  private readonly lengths = new ByteWriter();
  private prev = 0;
  count = 0;

  file(): void {
    this.prev = 0;
  }

  add(kind: number, start: number, end: number): void {
    this.kinds.byte(kind);
    const d = (start - this.prev) | 0; // mod 2^32, as a signed 32-bit delta
    this.starts.varint((d << 1) ^ (d >> 31));
    this.lengths.varint(end - start);
    this.prev = start;
    this.count++;
  }

  columns(): UnitColumns {
    return { kinds: this.kinds.view(), starts: this.starts.view(), lengths: this.lengths.view() };
  }
}

/** Reads UnitColumns back, file by file as UnitWriter wrote them. */
export class UnitReader {
  private readonly starts: ByteReader;
  private readonly lengths: ByteReader;
  private prev = 0;
  private i = 0;

  constructor(private readonly c: UnitColumns) {
    this.starts = new ByteReader(c.starts);
    this.lengths = new ByteReader(c.lengths);
  }

  file(): void {
    this.prev = 0;
  }

  /** the next unit into `out` at `at` (kind, start, length) */
  next(kinds: Uint8Array, starts: Uint32Array, lengths: Uint32Array, at: number): void {
    if (this.i >= this.c.kinds.length) throw new Malformed('names more units than it stores');
    kinds[at] = this.c.kinds[this.i++]!;
    const z = this.starts.varint();
    const start = (this.prev + ((z >>> 1) ^ -(z & 1))) >>> 0;
    starts[at] = start;
    lengths[at] = this.lengths.varint();
    this.prev = start;
  }

  end(): void {
    if (this.i !== this.c.kinds.length) throw new Malformed('stores units no file has');
    this.starts.end();
    this.lengths.end();
  }
}

/** zlib level of token streams: they are small (a few kB), and 6 makes them ~7% smaller than 1 in about the same time */
export const TOKENS_DEFLATE_LEVEL = 6;
/** how many recently used raw hashes a token stream keeps per code (see encodeTokens) */
export const RECENT = 8;
/** the first code symbol: symbols 0 and 1 say that the next token starts on a later line */
const CODE_BASE = 2;
/** a code symbol of 255 is followed by a varint: the table index - (255 - CODE_BASE) */
const CODE_ESCAPE = 255;

/**
 * A file's token stream as stored (format 4): codes as indexes into a code table (the file's table in
 * CODE_TABLES), each raw hash either implied by its code (the table's constant raw), or one of the code's
 * RECENT most recently used raw hashes, or one it used before, or new; lines as symbols among the codes.
 *   varint N, N x u16 the new raw hashes in order of first use (not deflated: random bits), then raw
 *   deflate of: varint T, varint n1, varint n4, the code stream (n1 bytes), the line stream (n4 bytes) and
 *   the raw stream (the rest).
 *   code stream: per token, 0 (one line on) or 1 (2 + the next line stream varint lines on) any number of
 *   times, then the table index + 2 as a byte when < 255, else 255 and a varint of the index - 253
 *   raw stream: per token whose code has no constant raw, a varint: 0 = the next new raw hash; 1..RECENT =
 *   the code's most recent raw hashes (1 the latest); RECENT + 1 + i = the i-th distinct raw hash of the code
 *   in order of first use. The used raw hash becomes the code's latest.
 * The separate streams deflate ~30% better than (code, raw) pair numbers with line deltas (format 3): the
 * code stream repeats like the code's syntax, the raw stream is mostly small ranks (identifiers recur).
 * `vocab` maps codes to table indexes; a code it lacks is appended (a table grown in order of first use),
 * or, with a frozen table (`frozen` given), throws OutsideTable, as does a raw hash other than the code's constant one.
 * `frozen.used` gets a 1 at each table index used.
 */
/** encodeTokens with a frozen table: a token the table cannot hold (the caller encodes it otherwise) */
export class OutsideTable extends Error {}

export function encodeTokens(codes: Uint32Array, raw: Uint16Array, lines: Uint32Array, vocab: Map<number, number> | CodeIndex,
  frozen?: { raws: Int32Array; used: Uint8Array }): Uint8Array {
  const t = codes.length;
  const st = EncodeState.shared();
  const codeStream = new ByteWriter(), lineStream = new ByteWriter(), rawStream = new ByteWriter(), fresh = new ByteWriter();
  let lastCode = -1, lastV = 0, prevLine = 0, freshCount = 0;
  for (let i = 0; i < t; i++) {
    const d = (lines[i]! - prevLine) >>> 0;
    prevLine = lines[i]!;
    if (d === 1) codeStream.byte(0);
    else if (d > 1) { codeStream.byte(1); lineStream.varint(d - 2); }
    const code = codes[i]!;
    let v = lastV;
    if (code !== lastCode) {
      const x = vocab.get(code);
      if (x === undefined) {
        if (frozen || !(vocab instanceof Map)) throw new OutsideTable(`token code ${code} is not in the code table`);
        v = vocab.size;
        vocab.set(code, v);
      } else v = x;
      lastCode = code;
      lastV = v;
    }
    if (v < CODE_ESCAPE - CODE_BASE) codeStream.byte(v + CODE_BASE);
    else { codeStream.byte(CODE_ESCAPE); codeStream.varint(v - (CODE_ESCAPE - CODE_BASE)); }
    const r = raw[i]!;
    if (frozen) {
      frozen.used[v] = 1;
      const rc = frozen.raws[v]!;
      if (rc >= 0) {
        if (rc !== r) throw new OutsideTable(`token code ${code} has a raw hash other than its constant one`);
        continue;
      }
    }
    const rank = st.use(v, r);
    if (rank === 0) { fresh.u16(r); freshCount++; }
    rawStream.varint(rank);
  }
  const body = new ByteWriter();
  body.varint(t);
  body.varint(codeStream.n);
  body.varint(lineStream.n);
  body.pushAll(codeStream.view());
  body.pushAll(lineStream.view());
  body.pushAll(rawStream.view());
  const deflated = deflateRawSync(body.view(), { level: TOKENS_DEFLATE_LEVEL });
  const head = new ByteWriter();
  head.varint(freshCount);
  const out = new Uint8Array(head.n + fresh.n + deflated.length);
  out.set(head.view(), 0);
  out.set(fresh.view(), head.n);
  out.set(deflated, head.n + fresh.n);
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
 * The encoder's raw hash state, in typed arrays indexed by table index and reused from file to file (a stamp
 * marks the codes the current file has used): per code a ring of its RECENT latest raw hashes (Recent), and
 * the number of distinct raw hashes it has used; per (code, raw hash) its number among the code's distinct ones.
 */
class EncodeState {
  private static instance: EncodeState | undefined;
  private readonly numbers = new KeyTable();
  private ring = new Recent(64);
  private distinct = new Uint32Array(64);
  private stamps = new Uint32Array(64);
  private stamp = 0;

  static shared(): EncodeState {
    const s = (EncodeState.instance ??= new EncodeState());
    if (++s.stamp === 0xffff_ffff) { s.stamps.fill(0); s.stamp = 1; }
    s.numbers.clear();
    return s;
  }

  /**
   * Code `v` uses raw hash `r`: returns 0 when it is new, 1 + j when it is the code's j-th latest (0: the
   * latest), else 1 + RECENT + its number among the code's distinct raw hashes. Decoders mirror this (decodeTokens).
   */
  use(v: number, r: number): number {
    if (v >= this.stamps.length) this.grow(v + 1);
    const ring = this.ring;
    if (this.stamps[v] !== this.stamp) {
      this.stamps[v] = this.stamp;
      ring.fill[v] = 0;
      this.distinct[v] = 0;
    }
    const j = ring.find(v, r);
    if (j === 0) return 1;
    ring.push(v, r);
    if (j > 0) return 1 + j;
    const key = v * 65536 + r;
    const n = this.numbers.get(key);
    if (n >= 0) return 1 + RECENT + n;
    this.numbers.add(key, this.distinct[v]!++);
    return 0;
  }

  private grow(n: number): void {
    let cap = this.stamps.length;
    while (cap < n) cap *= 2;
    this.ring = this.ring.grown(cap);
    const distinct = new Uint32Array(cap); distinct.set(this.distinct); this.distinct = distinct;
    const stamps = new Uint32Array(cap); stamps.set(this.stamps); this.stamps = stamps;
  }
}

/**
 * Per code, its RECENT latest raw hashes in a ring: slot `head` holds the latest, head - 1 the one before
 * (mod RECENT), `fill` of them are set. A raw hash used again right after itself is not pushed again, so the
 * ring holds more distinct ones; each operation is O(1) when decoding (find is O(RECENT) when encoding).
 */
class Recent {
  readonly raws: Uint16Array;
  readonly head: Uint8Array;
  readonly fill: Uint8Array;

  constructor(codes: number) {
    this.raws = new Uint16Array(codes * RECENT);
    this.head = new Uint8Array(codes);
    this.fill = new Uint8Array(codes);
  }

  /** j where `r` is code `v`'s j-th latest, or -1 */
  find(v: number, r: number): number {
    const base = v * RECENT, h = this.head[v]!, n = this.fill[v]!;
    for (let j = 0; j < n; j++) if (this.raws[base + ((h - j) & (RECENT - 1))] === r) return j;
    return -1;
  }

  push(v: number, r: number): void {
    const h = (this.head[v]! + 1) & (RECENT - 1);
    this.head[v] = h;
    this.raws[v * RECENT + h] = r;
    if (this.fill[v]! < RECENT) this.fill[v]!++;
  }

  grown(codes: number): Recent {
    const g = new Recent(codes);
    g.raws.set(this.raws);
    g.head.set(this.head);
    g.fill.set(this.fill);
    return g;
  }
}

/** key (< 2^31 * 2) -> value, by open addressing on typed arrays; cleared in O(1) by a stamp. */
class KeyTable {
  private keys = new Float64Array(1 << 12);
  private vals = new Int32Array(1 << 12);
  private stamps = new Uint32Array(1 << 12);
  private shift = 32 - 12;
  private stamp = 0;
  private list: number[] = [];

  clear(): void {
    this.list.length = 0;
    if (++this.stamp === 0xffff_ffff) { this.stamps.fill(0); this.stamp = 1; }
  }

  /** the value of `key`, or -1 */
  get(key: number): number {
    const mask = this.keys.length - 1;
    let h = Math.imul(key | 0, 0x9e3779b1) >>> this.shift;
    for (;;) {
      if (this.stamps[h] !== this.stamp) return -1;
      if (this.keys[h] === key) return this.vals[h]!;
      h = (h + 1) & mask;
    }
  }

  /** adds a key not in the table */
  add(key: number, value: number): void {
    this.list.push(key, value);
    if (this.list.length > this.keys.length) this.grow();
    else this.put(key, value);
  }

  private put(key: number, value: number): void {
    const mask = this.keys.length - 1;
    let h = Math.imul(key | 0, 0x9e3779b1) >>> this.shift;
    while (this.stamps[h] === this.stamp) h = (h + 1) & mask;
    this.keys[h] = key;
    this.vals[h] = value;
    this.stamps[h] = this.stamp;
  }

  private grow(): void {
    const n = this.keys.length * 2;
    this.keys = new Float64Array(n);
    this.vals = new Int32Array(n);
    this.stamps = new Uint32Array(n);
    this.shift--;
    this.stamp = 1;
    for (let i = 0; i < this.list.length; i += 2) this.put(this.list[i]!, this.list[i + 1]!);
  }
}

/** kindsOf: an index the table does not hold */
const INVALID = -2;
const kindsCache = new WeakMap<object, Int32Array>();

/** per table index its constant raw hash, -1 (none: the stream names them) or INVALID, made once per table */
function kindsOf(table: Uint32Array | StoredTable): Int32Array {
  let k = kindsCache.get(table);
  if (!k) {
    if (table instanceof Uint32Array) k = new Int32Array(table.length).fill(-1);
    else {
      k = table.raws ? Int32Array.from(table.raws) : new Int32Array(table.codes.length).fill(-1);
      if (table.valid) for (let i = 0; i < k.length; i++) if (!table.valid[i]) k[i] = INVALID;
    }
    kindsCache.set(table, k);
  }
  return k;
}

/** the decoder's per-code raw hash state (as EncodeState's, reset per file), reused from file to file */
let recent = new Recent(512);
let distinct = new Uint32Array(512);
const firsts: number[][] = [];

/** A stored token stream's new raw hashes located and its body inflated, up to the start of its code stream. */
function openStream(stored: Uint8Array, tokenCount: number) {
  const prefix = new ByteReader(stored);
  const freshCount = prefix.varint();
  const freshStart = prefix.p;
  if (freshCount > (stored.length - freshStart) / 2) throw new Malformed('ends inside its new raw hashes');
  let body: Uint8Array;
  try {
    body = inflateRawSync(stored.subarray(freshStart + 2 * freshCount));
  } catch {
    throw new Malformed('does not decompress');
  }
  const r = new ByteReader(body);
  const t = r.varint();
  if (t !== tokenCount) throw new Malformed('has the wrong token count');
  const n1 = r.varint(), n4 = r.varint();
  if (n1 > body.length - r.p || n4 > body.length - r.p - n1) throw new Malformed('streams exceed its length');
  return { freshCount, freshStart, body, r, t, n4, end1: r.p + n1 };
}

/** The table index of an escaped code symbol, from the varint at p (r is left after it). */
function escapedIndex(r: ByteReader, p: number, end1: number): number {
  r.p = p;
  const v = r.varint() + (CODE_ESCAPE - CODE_BASE);
  if (r.p > end1) throw new Malformed('ends inside its code stream');
  return v;
}

/**
 * The codes alone of a stored token stream (what decodeTokens gives as `codes`): the code stream read, the
 * line and raw streams not (they are checked when decodeTokens reads them). Several times faster than
 * decodeTokens, for a reader whose caller aligns normalized tokens first and needs the rest of few files.
 */
export function decodeCodes(stored: Uint8Array, table: Uint32Array | StoredTable, tokenCount: number): Uint32Array {
  const vocab = table instanceof Uint32Array ? table : table.codes;
  const kinds = kindsOf(table);
  const { body, r, t, end1 } = openStream(stored, tokenCount);
  const codes = new Uint32Array(t);
  const n = vocab.length;
  // byte by byte through the code stream, line symbols passed over
  let p = r.p, i = 0;
  while (p < end1) {
    const s = body[p++]!;
    if (i === t) throw new Malformed('has trailing bytes in its code stream');
    if (s < CODE_BASE) continue;
    let v = s - CODE_BASE;
    if (s === CODE_ESCAPE) {
      v = escapedIndex(r, p, end1);
      p = r.p;
    }
    if (v >= n || kinds[v] === INVALID) throw new Malformed('names a code outside the code table');
    codes[i++] = vocab[v]!;
  }
  if (i !== t) throw new Malformed('ends inside its code stream');
  return codes;
}

/**
 * Decodes a stored token stream (encodeTokens) into one buffer (codes, lines: u32; raw: u16), so a file costs
 * one allocation. `table` may be sparse (`valid`) and have constant raw hashes (`raws`), see StoredTable.
 * `used`, when given, gets a 1 at each table index the stream uses (what encodeTokens marks in `frozen.used`).
 */
export function decodeTokens(stored: Uint8Array, table: Uint32Array | StoredTable, tokenCount: number, used?: Uint8Array): { codes: Uint32Array; raw: Uint16Array; lines: Uint32Array } {
  const vocab = table instanceof Uint32Array ? table : table.codes;
  const kinds = kindsOf(table);
  const { freshCount, freshStart, body, r, t, n4, end1 } = openStream(stored, tokenCount);
  const lineReader = new ByteReader(body.subarray(end1, end1 + n4));
  const rawReader = new ByteReader(body.subarray(end1 + n4));
  const rawBytes = rawReader.bytes;
  const rawEnd = rawBytes.length;
  const n = vocab.length;
  if (distinct.length < n) {
    recent = new Recent(2 * n);
    distinct = new Uint32Array(2 * n);
  }
  const ring = recent.raws, heads = recent.head, fill = recent.fill, dist = distinct, lists = firsts;
  fill.fill(0, 0, n);
  dist.fill(0, 0, n);
  const buf = new ArrayBuffer(10 * t);
  const codes = new Uint32Array(buf, 0, t);
  const lines = new Uint32Array(buf, 4 * t, t);
  const raw = new Uint16Array(buf, 8 * t, t);
  // the hot loop of file(): one-byte symbols and ranks inline on local positions, longer ones through the readers
  let p = r.p, q = 0, line = 0, fresh = 0;
  for (let i = 0; i < t; i++) {
    let s = p < end1 ? body[p++]! : -1;
    while (s < CODE_BASE) {
      if (s < 0) throw new Malformed('ends inside its code stream');
      line = (line + (s === 0 ? 1 : 2 + lineReader.varint())) >>> 0;
      s = p < end1 ? body[p++]! : -1;
    }
    let v = s - CODE_BASE;
    if (s === CODE_ESCAPE) {
      v = escapedIndex(r, p, end1);
      p = r.p;
    }
    const rc = v < n ? kinds[v]! : INVALID;
    if (rc === INVALID) throw new Malformed('names a code outside the code table');
    if (used) used[v] = 1;
    codes[i] = vocab[v]!;
    lines[i] = line;
    if (rc >= 0) { raw[i] = rc; continue; }
    let rank = q < rawEnd ? rawBytes[q]! : 0x80;
    if (rank < 0x80) q++;
    else { rawReader.p = q; rank = rawReader.varint(); q = rawReader.p; }
    // EncodeState.use backwards
    const base = v * RECENT;
    let x: number;
    if (rank === 0) {
      if (fresh >= freshCount) throw new Malformed('uses more new raw hashes than it has');
      const at = freshStart + 2 * fresh++;
      x = stored[at]! | (stored[at + 1]! << 8);
      (lists[v] ??= [])[dist[v]!++] = x; // overwrites what an earlier file left
    } else if (rank <= RECENT) {
      if (rank > fill[v]!) throw new Malformed('names a raw hash its code has not used');
      x = ring[base + ((heads[v]! - rank + 1) & (RECENT - 1))]!;
      raw[i] = x;
      if (rank === 1) continue;
    } else {
      if (rank - 1 - RECENT >= dist[v]!) throw new Malformed('names a raw hash its code has not used');
      x = lists[v]![rank - 1 - RECENT]!;
    }
    const h = (heads[v]! + 1) & (RECENT - 1);
    heads[v] = h;
    ring[base + h] = x;
    if (fill[v]! < RECENT) fill[v]!++;
    raw[i] = x;
  }
  rawReader.p = q;
  if (p !== end1) throw new Malformed('has trailing bytes in its code stream');
  lineReader.end();
  rawReader.end();
  if (fresh !== freshCount) throw new Malformed('has unused new raw hashes');
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
