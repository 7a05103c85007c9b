// Default parameters, in one frozen place. FingerprintParams are stored in an index and must match at query
// time; MatchOptions are per scan. The reasoning behind each value is in bench/README.md (quality benchmark).
import type { FingerprintParams, MatchOptions } from './types';
import { VOCABULARY_VERSION } from './vocabulary';

export const DEFAULT_PARAMS: FingerprintParams = Object.freeze({
  k: 5,
  bands: 12,
  rows: 3,
  windowSize: 40,
  indexStride: 20,
  queryStride: 4,
  minUnitTokens: 30,
  seed: 0x4d43 + VOCABULARY_VERSION,
});

/** Syntactic units larger than this are covered by windows only. */
export const MAX_UNIT_TOKENS = 1500;

export const DEFAULT_MATCH_OPTIONS: MatchOptions = Object.freeze({
  minTokens: 50,
  minSimilarity: 0.6,
  maxPostings: 400,
});

/** Merges user options over defaults; collects every problem and throws once. */
export function matchOptions(input: Partial<MatchOptions> = {}): MatchOptions {
  const o = { ...DEFAULT_MATCH_OPTIONS, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as MatchOptions;
  const errors: string[] = [];
  if (!Number.isInteger(o.minTokens) || o.minTokens < 10) errors.push(`minTokens must be an integer >= 10 (got ${o.minTokens})`);
  if (!(o.minSimilarity > 0 && o.minSimilarity <= 1)) errors.push(`minSimilarity must be in (0, 1] (got ${o.minSimilarity})`);
  if (!Number.isInteger(o.maxPostings) || o.maxPostings < 1) errors.push(`maxPostings must be a positive integer (got ${o.maxPostings})`);
  if (errors.length) throw new RangeError(errors.join('; '));
  return Object.freeze(o);
}
