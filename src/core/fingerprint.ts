// The index side of fingerprinting: a tokenized file becomes the records a store keeps.
import { bandKeysOfUnits, distinctShingles, fingerprintUnits, shingleHashes } from './minhash';
import { MAX_UNIT_TOKENS } from './options';
import type { Tokenized } from './tokenize';
import type { FingerprintParams, LanguageId, Unit, UnitKind } from './types';

/**
 * What an index keeps of a file: the normalized token stream for verification (codes, 16-bit raw hashes,
 * 0-based line per token), the fingerprinted units as parallel arrays (unitColumns), their LSH band keys (params.bands per unit, unit-major) and the file's distinct shingle
 * hashes, sorted ascending (for document frequencies).
 */
export interface FileFingerprint {
  readonly codes: Uint32Array;
  readonly raw: Uint16Array;
  readonly lines: Uint32Array;
  readonly unitKinds: Uint8Array;
  readonly unitStarts: Uint32Array;
  readonly unitEnds: Uint32Array;
  readonly bandKeys: Uint32Array;
  readonly shingles: Uint32Array;
}

/** Unit kinds as stored (an index's UNIT_KINDS section, the PostgreSQL units table): the position is the code. */
export const UNIT_KINDS: readonly UnitKind[] = ['function', 'class', 'window'];
const UNIT_KIND_CODES: Record<UnitKind, number> = { function: 0, class: 1, window: 2 };

/** Units as parallel arrays, kinds as their UNIT_KINDS codes (to store them, or to send them to another thread). */
export function unitColumns(units: readonly Unit[]): { unitKinds: Uint8Array; unitStarts: Uint32Array; unitEnds: Uint32Array } {
  const unitKinds = new Uint8Array(units.length), unitStarts = new Uint32Array(units.length), unitEnds = new Uint32Array(units.length);
  units.forEach((u, i) => { unitKinds[i] = UNIT_KIND_CODES[u.kind]; unitStarts[i] = u.start; unitEnds[i] = u.end; });
  return { unitKinds, unitStarts, unitEnds };
}

/**
 * What an index derives from a token stream and its units: their LSH band keys and the stream's distinct
 * shingles, sorted (the distinct shingles are computed once, for both).
 */
export function keysAndShingles(codes: Uint32Array, units: readonly Unit[], params: FingerprintParams, language: LanguageId): { bandKeys: Uint32Array; shingles: Uint32Array } {
  const shingles = distinctShingles(shingleHashes(codes, params.k));
  return { bandKeys: bandKeysOfUnits(shingles, units, params, language), shingles: shingles.distinct.slice().sort() };
}

/** A token stream's distinct shingles, sorted (FileFingerprint.shingles) */
export function fileShingles(codes: Uint32Array, k: number): Uint32Array {
  return distinctShingles(shingleHashes(codes, k)).distinct.slice().sort();
}

export function fingerprintForIndex(doc: Tokenized, params: FingerprintParams): FileFingerprint {
  const { codes, raw, lines } = doc.tokens;
  const units = fingerprintUnits(codes.length, doc.units, params, params.indexStride, MAX_UNIT_TOKENS);
  return { codes, raw, lines, ...unitColumns(units), ...keysAndShingles(codes, units, params, doc.tokens.language) };
}
