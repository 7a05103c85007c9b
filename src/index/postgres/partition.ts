// Client-side routing of band keys to the hash partitions of memocheck.bands. PostgreSQL puts an int4
// key in partition hash_combine64(0, hashint4extended(key, HASH_PARTITION_SEED)) mod modulus; for a
// power-of-two modulus only the low bits of the hash matter. hashint4extended is Bob Jenkins' lookup3
// (hash_uint32_extended in src/common/hashfn.c), written out here in uint32 arithmetic. PgStore checks it
// against the server's satisfies_hash_partition() before trusting it.
import { BAND_PARTITIONS } from './migrations';

const rot = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

// a, b, c after the seed is mixed in: the seed is a constant (HASH_PARTITION_SEED 0x7A5B22367996DCFD)
const [A0, B0, C0] = (() => {
  let a = (0x9e3779b9 + 4 + 3923095) >>> 0, b = a, c = a;
  a = (a + 0x7a5b2236) >>> 0;
  b = (b + 0x7996dcfd) >>> 0;
  a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
  b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
  c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
  a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
  b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
  c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
  return [a, b, c];
})();

/** 0x49a0f4dd15e5a8e3 mod BAND_PARTITIONS: hash_combine64(0, h) = h + that constant */
const COMBINE = 0x15e5a8e3 % BAND_PARTITIONS;

/** The partition (0..BAND_PARTITIONS-1) PostgreSQL stores this int4 band key in. */
export function partitionOfKey(key: number): number {
  let a = (A0! + (key >>> 0)) >>> 0, b = B0!, c = C0!;
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  // the low 32 bits of the 64-bit hash are c; BAND_PARTITIONS divides 2^32
  return ((c % BAND_PARTITIONS) + COMBINE) % BAND_PARTITIONS;
}

/** Splits int4 keys by partition, as int4[] literals (one per partition). */
export function routeKeys(keys: Iterable<number>): string[] {
  const parts: number[][] = Array.from({ length: BAND_PARTITIONS }, () => []);
  for (const k of keys) parts[partitionOfKey(k)]!.push(k);
  return parts.map((p) => `{${p.join(',')}}`);
}
