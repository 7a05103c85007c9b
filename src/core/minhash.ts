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
import { fmix32, splitmix32 } from './hash';
import type { FingerprintParams, TokenStream, Unit } from './types';

/** Hash of each k-shingle: result[i] covers tokens [i, i+k). Length max(0, n-k+1). */
export function shingleHashes(codes: Uint32Array, k: number): Uint32Array {
  const n = codes.length - k + 1;
  if (n <= 0) return new Uint32Array(0);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0x811c9dc5;
    for (let j = 0; j < k; j++) h = Math.imul((h ^ codes[i + j]!) >>> 0, 0x01000193);
    out[i] = fmix32(h >>> 0);
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
  const w = params.windowSize;
  if (tokenCount >= params.minUnitTokens) {
    if (tokenCount <= w) units.push({ kind: 'window', start: 0, end: tokenCount });
    else {
      for (let s = 0; ; s += stride) {
        const e = Math.min(s + w, tokenCount);
        units.push({ kind: 'window', start: e - w, end: e });
        if (e === tokenCount) break;
      }
    }
  }
  return units;
}

/** Shingles per block of the first and second summary level of unitBandKeys (powers of two). */
const BLOCK1 = 4, BLOCK2 = 32;

/**
 * Signatures and band keys of many units of one token stream at once. Every shingle is permuted once
 * (n hashes per shingle). Units nest (functions in classes) and windows overlap, so instead of re-scanning
 * every shingle of every unit, the permuted values are summarized as minima over aligned blocks of BLOCK1
 * and BLOCK2 shingles; a unit takes its minima over a few single rows at its ends and whole blocks in
 * between. A minimum does not depend on how a range is split, so the signatures are exactly those of the
 * specification (step 3).
 */
export function unitBandKeys(shingles: Uint32Array, units: readonly Unit[], params: FingerprintParams): Uint32Array {
  const n = params.bands * params.rows;
  const k = params.k;
  const a = permutations(n, params.seed);
  const m = shingles.length;
  const permuted = new Uint32Array(m * n);
  const level1 = new Uint32Array(Math.ceil(m / BLOCK1) * n).fill(0xffffffff);
  for (let i = 0; i < m; i++) {
    const s = shingles[i]!;
    const base = i * n;
    const b1 = ((i / BLOCK1) | 0) * n;
    for (let j = 0; j < n; j++) {
      // fmix32(s ^ a_j), written out: this loop runs n times per token
      let x = s ^ a[j]!;
      x ^= x >>> 16;
      x = Math.imul(x, 0x85ebca6b);
      x ^= x >>> 13;
      x = Math.imul(x, 0xc2b2ae35);
      x = (x ^ (x >>> 16)) >>> 0;
      permuted[base + j] = x;
      if (x < level1[b1 + j]!) level1[b1 + j] = x;
    }
  }
  const per2 = BLOCK2 / BLOCK1;
  const m1 = level1.length / n;
  const level2 = new Uint32Array(Math.ceil(m1 / per2) * n).fill(0xffffffff);
  for (let b = 0; b < m1; b++) minInto(level2, Math.floor(b / per2) * n, level1, b * n, n);

  const keys = new Uint32Array(units.length * params.bands);
  const sig = new Uint32Array(n);
  for (let ui = 0; ui < units.length; ui++) {
    const u = units[ui]!;
    sig.fill(0xffffffff);
    const hi = Math.min(u.end - k + 1, m);
    let i = u.start;
    // single rows up to a BLOCK1 boundary, BLOCK1 blocks up to a BLOCK2 boundary, BLOCK2 blocks, then back down
    for (const end = Math.min(hi, roundUp(i, BLOCK1)); i < end; i++) minInto(sig, 0, permuted, i * n, n);
    for (const end = Math.min(roundDown(hi, BLOCK1), roundUp(i, BLOCK2)); i < end; i += BLOCK1) minInto(sig, 0, level1, (i / BLOCK1) * n, n);
    for (const end = roundDown(hi, BLOCK2); i < end; i += BLOCK2) minInto(sig, 0, level2, (i / BLOCK2) * n, n);
    for (const end = roundDown(hi, BLOCK1); i < end; i += BLOCK1) minInto(sig, 0, level1, (i / BLOCK1) * n, n);
    for (; i < hi; i++) minInto(sig, 0, permuted, i * n, n);
    bandKeys(sig, params.bands, params.rows, params.seed, keys, ui * params.bands);
  }
  return keys;
}

/** dst[d+j] = min(dst[d+j], src[s+j]) for j < n */
function minInto(dst: Uint32Array, d: number, src: Uint32Array, s: number, n: number): void {
  for (let j = 0; j < n; j++) {
    const v = src[s + j]!;
    if (v < dst[d + j]!) dst[d + j] = v;
  }
}

const roundUp = (x: number, block: number) => Math.ceil(x / block) * block;
const roundDown = (x: number, block: number) => Math.floor(x / block) * block;

/** Sorted distinct values. */
export function sortedDistinct(values: Uint32Array): Uint32Array {
  const s = values.slice().sort();
  let w = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) s[w++] = s[i]!;
  return s.slice(0, w);
}

export type { TokenStream };
