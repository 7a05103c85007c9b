// Shingles, MinHash signatures and LSH band keys: the written, platform-independent specification.
// All arithmetic is uint32 (Math.imul, >>> 0); the same inputs give bit-identical outputs everywhere.
//
// 1. Shingle hash of the k normalized token codes c[i..i+k):
//      h = 0x811c9dc5; for each code c: h = imul(h XOR c, 0x01000193) >>> 0;  shingle = fmix32(h)
//    (FNV-1a over whole 32-bit words, then MurmurHash3's finalizer fmix32).
// 2. Permutation j (0 <= j < n) of the signature: a_j = splitmix32(seed + j * 0x9e3779b9),
//      pi_j(x) = fmix32(x XOR a_j)        (XOR and fmix32 are bijections on uint32)
// 3. Signature: sig[j] = min over the unit's shingles s of pi_j(s); an empty set gives 0xffffffff everywhere.
// 4. LSH: n = bands * rows; band b covers sig[b*rows .. (b+1)*rows). Its key is
//      h = fmix32(seed XOR (b + 1) * 0x9e3779b9);  for each value v of the band: h = imul(h XOR v, 0x01000193) >>> 0
//      key = fmix32(h)
//    Keys of different bands differ even for equal values, so one key space holds all bands.
//    With params.familyKeys = 1 the seed of step 4 (not of step 2) is seed XOR fnv1a32(family), where family
//    is the language family's name ('javascript' for JavaScript, TypeScript and TSX, 'c' for C and C++, the
//    language's id otherwise) and fnv1a32 the FNV-1a hash of its UTF-16 code units: families share no keys.
import { fmix32, fnv1a32, splitmix32 } from './hash';
import { languageFamily, type FingerprintParams, type LanguageId, type TokenStream, type Unit } from './types';

/**
 * Hash of each k-shingle: result[i] covers tokens [i, i+k). Length max(0, n-k+1). With `into` (at least
 * that long), the result is a view of it.
 */
export function shingleHashes(codes: Uint32Array, k: number, into?: Uint32Array): Uint32Array {
  const n = codes.length - k + 1;
  if (n <= 0) return new Uint32Array(0);
  const out = into ? into.subarray(0, n) : new Uint32Array(n);
  const P = 0x01000193;
  for (let i = 0; i < n; i++) {
    let h: number;
    if (k === 5) {
      // the default k, written out (this runs once per token)
      h = Math.imul(0x811c9dc5 ^ codes[i]!, P);
      h = Math.imul(h ^ codes[i + 1]!, P);
      h = Math.imul(h ^ codes[i + 2]!, P);
      h = Math.imul(h ^ codes[i + 3]!, P);
      h = Math.imul(h ^ codes[i + 4]!, P);
    } else {
      h = 0x811c9dc5;
      for (let j = 0; j < k; j++) h = Math.imul(h ^ codes[i + j]!, P);
    }
    // fmix32(h >>> 0)
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    out[i] = (h ^ (h >>> 16)) >>> 0;
  }
  return out;
}

const permCache = new Map<string, Uint32Array>();

/** The n permutation constants a_j for a seed. */
export function permutations(n: number, seed: number): Uint32Array {
  const key = `${n}:${seed}`;
  let a = permCache.get(key);
  if (!a) {
    a = new Uint32Array(n);
    for (let j = 0; j < n; j++) a[j] = splitmix32((seed + Math.imul(j, 0x9e3779b9)) >>> 0);
    permCache.set(key, a);
  }
  return a;
}

/** MinHash signature of a set of shingle hashes (duplicates are harmless). */
export function signature(shingles: ArrayLike<number>, n: number, seed: number): Uint32Array {
  const a = permutations(n, seed);
  const sig = new Uint32Array(n).fill(0xffffffff);
  for (let i = 0; i < shingles.length; i++) {
    const s = shingles[i]!;
    for (let j = 0; j < n; j++) {
      const v = fmix32((s ^ a[j]!) >>> 0);
      if (v < sig[j]!) sig[j] = v;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity of two signatures: the share of equal positions. */
export function estimateJaccard(x: Uint32Array, y: Uint32Array): number {
  let eq = 0;
  for (let i = 0; i < x.length; i++) if (x[i] === y[i]) eq++;
  return x.length ? eq / x.length : 0;
}

/** LSH band keys of one signature, written into out[offset .. offset+bands). */
export function bandKeys(sig: Uint32Array, bands: number, rows: number, seed: number, out: Uint32Array, offset = 0): void {
  for (let b = 0; b < bands; b++) {
    let h = fmix32((seed ^ Math.imul(b + 1, 0x9e3779b9)) >>> 0);
    for (let r = 0; r < rows; r++) h = Math.imul((h ^ sig[b * rows + r]!) >>> 0, 0x01000193);
    out[offset + b] = fmix32(h >>> 0);
  }
}

/**
 * The units to fingerprint: syntactic units within the size limits plus overlapping token windows.
 * Windows make a copied block inside a larger function, or a copy embedded in unrelated code, findable.
 */
export function fingerprintUnits(tokenCount: number, syntactic: readonly Unit[], params: FingerprintParams, stride: number, maxUnitTokens: number): Unit[] {
  const units: Unit[] = [];
  const seen = new Set<number>();
  for (const u of syntactic) {
    const len = u.end - u.start;
    if (len < params.minUnitTokens || len > maxUnitTokens) continue;
    const key = u.start * 0x100000 + u.end;
    if (seen.has(key)) continue;
    seen.add(key);
    units.push(u);
  }
  windows(tokenCount, params, stride, (start, end) => units.push({ kind: 'window', start, end }));
  return units;
}

/**
 * The windows fingerprintUnits adds after the syntactic units, in order: none below minUnitTokens tokens, one
 * over the whole stream up to windowSize, else windowSize tokens every `stride`, the last one ending at the end.
 * They depend on the token count only, so the embedded index does not store them (index/file format 4).
 */
/** How many windows `windows` gives, without making them. */
export function windowCount(tokenCount: number, params: Pick<FingerprintParams, 'windowSize' | 'minUnitTokens'>, stride: number): number {
  if (tokenCount < params.minUnitTokens) return 0;
  if (tokenCount <= params.windowSize) return 1;
  return Math.ceil((tokenCount - params.windowSize) / stride) + 1;
}

export function windows(tokenCount: number, params: Pick<FingerprintParams, 'windowSize' | 'minUnitTokens'>, stride: number,
  f: (start: number, end: number) => void): void {
  const w = params.windowSize;
  if (tokenCount < params.minUnitTokens) return;
  if (tokenCount <= w) { f(0, tokenCount); return; }
  for (let s = 0; ; s += stride) {
    const e = Math.min(s + w, tokenCount);
    f(e - w, e);
    if (e === tokenCount) break;
  }
}

/** Shingles per block of unitBandKeys' block minima. */
const BLOCK = 4;

/**
 * Signatures and band keys of many units of one token stream at once. Every distinct shingle is permuted
 * once (n hashes per shingle; normalized code repeats itself, in the corpus only 28% of a file's shingles
 * are distinct). Units nest (functions in classes) and windows overlap, so instead of re-scanning
 * every shingle of every unit, the permuted values are summarized as minima over aligned blocks of BLOCK
 * shingles; a unit takes its minima over up to BLOCK-1 single rows at each end and whole blocks in between.
 * (A second level of 32-shingle blocks cost more to build than it saved: syntactic units are few.)
 * A minimum does not depend on how a range is split, so the signatures are exactly those of the
 * specification (step 3).
 */
export function unitBandKeys(shingles: Uint32Array, units: readonly Unit[], params: FingerprintParams, language: LanguageId): Uint32Array {
  return bandKeysOfUnits(distinctShingles(shingles), units, params, language);
}

/**
 * The seed of a language's band keys. With params.familyKeys it is salted with the language family (the
 * FNV-1a hash of its name, see types.ts languageFamily): a window of Java code then shares no band key with
 * a window of C# or Go of the same shape, whose units verification would discard anyway, so a lookup never
 * fetches, places or clusters them. Without (indexes made before): params.seed for every language.
 */
export function bandSeed(params: FingerprintParams, language: LanguageId): number {
  return params.familyKeys ? (params.seed ^ fnv1a32(languageFamily(language))) >>> 0 : params.seed;
}

/** unitBandKeys over the result of distinctShingles (fingerprintForIndex needs the distinct shingles too). */
export function bandKeysOfUnits(shingles: DistinctShingles, units: readonly Unit[], params: FingerprintParams, language: LanguageId): Uint32Array {
  const n = params.bands * params.rows;
  const seed = bandSeed(params, language);
  const k = params.k;
  const a = permutations(n, params.seed);
  const { rowOf, distinct } = shingles;
  const m = rowOf.length;
  const d = distinct.length;
  const blocks = Math.ceil(m / BLOCK);
  // Windows (the most units by far: one every queryStride tokens) span G whole blocks from a block boundary.
  // Their minima slide: over segments of G blocks, the minima of each block's segment up to it (pre) and from
  // it on (suf) make the minimum of any G consecutive blocks a minimum of two rows (van Herk / Gil-Werman).
  const span = params.windowSize - k + 1;
  const G = span % BLOCK === 0 ? span / BLOCK : 0;
  const isWindow = (u: Unit) => u.start % BLOCK === 0 && Math.min(u.end - k + 1, m) - u.start === span;
  let windows = 0;
  if (G > 2) for (const u of units) if (isWindow(u)) windows++;
  // (worth it when the windows' G rows each outweigh two more rows per block)
  const slide = G > 2 && windows * (G - 2) > 2 * blocks;
  const pre = d + blocks, suf = pre + blocks;
  // rows of n values: the permuted distinct shingles [0, d), then the block minima [d, d+blocks), then when
  // sliding pre [pre, pre+blocks) and suf; every row is written before it is read, so the buffer of the
  // previous call serves (no allocation, no zeroing)
  const rowCount = slide ? suf + blocks : pre;
  if (scratchTable.length < rowCount * n) scratchTable = new Uint32Array(Math.max(rowCount * n, 2 * scratchTable.length));
  const table = scratchTable;
  for (let r = 0; r < d; r++) {
    const s = distinct[r]!;
    const base = r * n;
    for (let j = 0; j < n; j++) {
      // fmix32(s ^ a_j), written out
      let x = s ^ a[j]!;
      x ^= x >>> 16;
      x = Math.imul(x, 0x85ebca6b);
      x ^= x >>> 13;
      x = Math.imul(x, 0xc2b2ae35);
      table[base + j] = (x ^ (x >>> 16)) >>> 0;
    }
  }
  const rows = new Int32Array(2 * BLOCK + blocks);
  const full = Math.floor(m / BLOCK);
  for (let b = 0; b < full; b++) {
    // the hottest loop (n values per token): four rows at a time, written out (BLOCK = 4)
    const i = b * BLOCK, o = (d + b) * n;
    const r0 = rowOf[i]! * n, r1 = rowOf[i + 1]! * n, r2 = rowOf[i + 2]! * n, r3 = rowOf[i + 3]! * n;
    for (let j = 0; j < n; j++) {
      let x = table[r0 + j]!;
      const x1 = table[r1 + j]!, x2 = table[r2 + j]!, x3 = table[r3 + j]!;
      if (x1 < x) x = x1;
      if (x2 < x) x = x2;
      if (x3 < x) x = x3;
      table[o + j] = x;
    }
  }
  for (let b = full; b < blocks; b++) {
    let c = 0;
    for (let i = b * BLOCK; i < m; i++) rows[c++] = rowOf[i]! * n;
    minOfRows(table, rows, c, table, (d + b) * n, n);
  }

  if (slide) {
    for (let b0 = 0; b0 < blocks; b0 += G) {
      const b1 = Math.min(b0 + G, blocks);
      table.copyWithin((pre + b0) * n, (d + b0) * n, (d + b0 + 1) * n);
      for (let b = b0 + 1; b < b1; b++) minOfTwo(table, (pre + b - 1) * n, (d + b) * n, (pre + b) * n, n);
      table.copyWithin((suf + b1 - 1) * n, (d + b1 - 1) * n, (d + b1) * n);
      for (let b = b1 - 2; b >= b0; b--) minOfTwo(table, (suf + b + 1) * n, (d + b) * n, (suf + b) * n, n);
    }
  }

  const keys = new Uint32Array(units.length * params.bands);
  const sig = new Uint32Array(n);
  for (let ui = 0; ui < units.length; ui++) {
    const u = units[ui]!;
    const hi = Math.min(u.end - k + 1, m);
    if (slide && isWindow(u)) {
      const j = u.start / BLOCK;
      if (j % G === 0) sig.set(table.subarray((suf + j) * n, (suf + j + 1) * n));
      else minOfTwo(table, (suf + j) * n, (pre + j + G - 1) * n, 0, n, sig);
      bandKeys(sig, params.bands, params.rows, seed, keys, ui * params.bands);
      continue;
    }
    let i = u.start, c = 0;
    // single rows up to a block boundary, whole blocks, single rows after the last whole block
    for (const end = Math.min(hi, roundUp(i, BLOCK)); i < end; i++) rows[c++] = rowOf[i]! * n;
    for (const end = roundDown(hi, BLOCK); i < end; i += BLOCK) rows[c++] = (d + i / BLOCK) * n;
    for (; i < hi; i++) rows[c++] = rowOf[i]! * n;
    minOfRows(table, rows, c, sig, 0, n);
    bandKeys(sig, params.bands, params.rows, seed, keys, ui * params.bands);
  }
  if (table.length > KEEP_TABLE) scratchTable = new Uint32Array(0); // after a huge file
  return keys;
}

let scratchTable = new Uint32Array(0);
const KEEP_TABLE = 1 << 22;

/** out[o+j] = min(table[a+j], table[b+j]) for j < n (out: the table itself unless given) */
function minOfTwo(table: Uint32Array, a: number, b: number, o: number, n: number, out = table): void {
  for (let j = 0; j < n; j++) {
    const x = table[a + j]!, y = table[b + j]!;
    out[o + j] = x < y ? x : y;
  }
}

/** out[o+j] = min over the first `count` offsets r of rows of table[r+j] (0xffffffff when count is 0), j < n; row by row */
function minOfRows(table: Uint32Array, rows: Int32Array, count: number, out: Uint32Array, o: number, n: number): void {
  if (count === 0) {
    out.fill(0xffffffff, o, o + n);
    return;
  }
  const r0 = rows[0]!;
  for (let j = 0; j < n; j++) out[o + j] = table[r0 + j]!;
  for (let t = 1; t < count; t++) {
    const r = rows[t]!;
    for (let j = 0; j < n; j++) {
      const v = table[r + j]!;
      if (v < out[o + j]!) out[o + j] = v;
    }
  }
}

/** A token stream's shingle hashes as distinct values and, per position, the index of its value. */
export interface DistinctShingles {
  /** distinct shingle hashes in order of first appearance */
  readonly distinct: Uint32Array;
  readonly rowOf: Uint32Array;
}

/**
 * The distinct values of `values` in order of first appearance, and for each position the index of its value
 * among them. An open-addressing table: shingle hashes are fmix32 outputs, so their low bits index it well.
 */
export function distinctShingles(values: Uint32Array): DistinctShingles {
  const m = values.length;
  let size = 16;
  while (size < 2 * m) size *= 2;
  const mask = size - 1;
  const slotValue = new Uint32Array(size);
  const slotRow = new Int32Array(size).fill(-1);
  const rowOf = new Uint32Array(m);
  const distinct = new Uint32Array(m);
  let rows = 0;
  for (let i = 0; i < m; i++) {
    const v = values[i]!;
    let h = v & mask;
    for (;;) {
      const r = slotRow[h]!;
      if (r < 0) {
        slotRow[h] = rows;
        slotValue[h] = v;
        distinct[rows] = v;
        rowOf[i] = rows++;
        break;
      }
      if (slotValue[h] === v) { rowOf[i] = r; break; }
      h = (h + 1) & mask;
    }
  }
  return { rowOf, distinct: distinct.subarray(0, rows) };
}

const roundUp = (x: number, block: number) => Math.ceil(x / block) * block;
const roundDown = (x: number, block: number) => Math.floor(x / block) * block;

export type { TokenStream };
