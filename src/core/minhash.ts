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

/**
 * Signatures and band keys of many units of one token stream at once. Every shingle is permuted once
 * (n hashes per shingle), then each unit takes minima over its range.
 */
export function unitBandKeys(shingles: Uint32Array, units: readonly Unit[], params: FingerprintParams): Uint32Array {
  const n = params.bands * params.rows;
  const k = params.k;
  const a = permutations(n, params.seed);
  const m = shingles.length;
  const permuted = new Uint32Array(m * n);
  for (let i = 0; i < m; i++) {
    const s = shingles[i]!;
    const base = i * n;
    for (let j = 0; j < n; j++) permuted[base + j] = fmix32((s ^ a[j]!) >>> 0);
  }
  const keys = new Uint32Array(units.length * params.bands);
  const sig = new Uint32Array(n);
  units.forEach((u, ui) => {
    sig.fill(0xffffffff);
    const last = Math.min(u.end - k + 1, m);
    for (let i = u.start; i < last; i++) {
      const base = i * n;
      for (let j = 0; j < n; j++) {
        const v = permuted[base + j]!;
        if (v < sig[j]!) sig[j] = v;
      }
    }
    bandKeys(sig, params.bands, params.rows, params.seed, keys, ui * params.bands);
  });
  return keys;
}

/** Sorted distinct values. */
export function sortedDistinct(values: Uint32Array): Uint32Array {
  const s = values.slice().sort();
  let w = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) s[w++] = s[i]!;
  return s.slice(0, w);
}

export type { TokenStream };
