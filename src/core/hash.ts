// Platform-independent 32-bit hashing. Everything is uint32 arithmetic with Math.imul, so results are
// bit-identical on every JavaScript engine and CPU; they are part of the index format.

/** FNV-1a over the UTF-16 code units of a string (offset basis 0x811c9dc5, prime 0x01000193). */
export function fnv1a32(text: string): number {
  return fnv1a32Range(text, 0, text.length);
}

/** fnv1a32(text.slice(start, end)) without making the substring. */
export function fnv1a32Range(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start, e = Math.min(end, text.length); i < e; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's 32-bit finalizer: a bijection on uint32 with full avalanche. */
export function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Mixes one uint32 into a running uint32 hash (FNV-1a style step over a whole word). */
export function mix(h: number, v: number): number {
  return Math.imul((h ^ v) >>> 0, 0x01000193) >>> 0;
}

/** splitmix32: the seed sequence generator used for MinHash permutations and deterministic sampling. */
export function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** 16-bit hash of raw token text (for verbatim-vs-renamed and identifier-consistency checks). */
export function raw16(text: string): number {
  return raw16Range(text, 0, text.length);
}

/** raw16(text.slice(start, end)) without making the substring. */
export function raw16Range(text: string, start: number, end: number): number {
  const h = fnv1a32Range(text, start, end);
  return (h ^ (h >>> 16)) & 0xffff;
}

/** Hex string of a uint32. */
export function hex32(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}
