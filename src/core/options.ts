// Default parameters, in one frozen place. FingerprintParams are stored in an index and must match at query
// time; MatchOptions are per scan. Each value was measured on the quality benchmark (README, "Quality benchmark"; the
// reasoning is in the commit messages that set it: git log -L on this file).
import type { FingerprintParams, MatchOptions } from './types';
import { VOCABULARY_VERSION } from './vocabulary';

export const DEFAULT_PARAMS: FingerprintParams = Object.freeze({
  k: 5,
  // 10 bands of 3 rows: against 12 bands, on the quality benchmark, the same copies within one either way
  // (full T2 -1; held-out T1 +1, T3 -1; held-out fragments +2 verbatim, +3 renamed) for 17% fewer band-key
  // postings (index 0.272 -> 0.250 bytes per corpus byte); 8 bands added a false-positive file on both
  // configurations. Candidates are plentiful: queries place a window every 4 tokens
  bands: 10,
  rows: 3,
  windowSize: 40,
  // non-overlapping in the index (queries overlap every queryStride tokens): half the window postings of a
  // stride of 20, the same copies found on the quality benchmark and on fragments cut from inside functions
  indexStride: 40,
  queryStride: 4,
  minUnitTokens: 30,
  seed: 0x4d43 + VOCABULARY_VERSION,
  // band keys salted by language family: on the full quality benchmark 47% fewer candidate units (fetched
  // and placed, then dropped as another language's) and 11% less matcher CPU, the same findings but one
  // copy matched over more lines (fewer keys over maxPostings); engine lookups 2-3% less CPU
  familyKeys: 1,
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

/**
 * Internal thresholds of verification, measured on the quality benchmark (bench/quality). Not user settings:
 * changing them changes what MemoCheck calls a copy.
 */
export interface MatchTuning {
  /**
   * a shingle in at least min(ubiquityMax, max(ubiquityMin, ubiquityFraction * repos)) repositories is
   * ubiquitous (ubiquityMax: for experiments with large indexes, see bench/quality/negatives.ts; no cap by default)
   */
  readonly ubiquityMin: number;
  readonly ubiquityFraction: number;
  readonly ubiquityMax: number;
  /** a match needs at least this many distinct non-ubiquitous shingles, as a share of minTokens */
  readonly minRareShare: number;
  /** the same for modified matches, which need more evidence than exact ones */
  readonly minRareShareModified: number;
  /** identifiers of a non-verbatim match must map one-to-one at least this often */
  readonly minConsistency: number;
  /** a modified match needs at least this similarity (and the user's minSimilarity) */
  readonly minSimilarityModified: number;
  /** a modified match needs one exact run at least this long, and this share of its tokens in runs of >= 2k */
  readonly minLongestRun: number;
  readonly minLongRunShare: number;
  /** minMatchedShare * minTokens tokens of a match must be aligned (so its longer side spans at least as many) */
  readonly minMatchedShare: number;
  /** a source unit becomes a candidate after this many band hits (from any query units) */
  readonly minBandHits: number;
  /** distinct shingles per matched token: tables of literals and other repetitive code score near 0 */
  readonly minDistinctRatio: number;
  /** a cluster of (query unit, source unit) hits is verified only with at least this many pairs */
  readonly minClusterPairs: number;
  /** a repetitive match is kept when this share of its tokens are identifiers confirming an earlier mapping */
  readonly repetitiveConfirmedShare: number;
  /**
   * a renamed or modified match that kept this many distinct string literals unchanged, as a share of
   * minTokens, is exempt from the repetitive and boilerplate rules (match.ts KEPT_STRING_LENGTH)
   */
  readonly minKeptStringsShare: number;
  /** a match needs at least this many distinct token codes */
  readonly minVocabulary: number;
  /** a non-verbatim match needs this share of its query tokens inside functions */
  readonly minInFunctionShare: number;
  /** a match spanning this share of one function on each side needs minRareShareWhole (0 = never) */
  readonly minFunctionCover: number;
  readonly minRareShareWhole: number;
  /** a non-verbatim chain whose names do not map consistently is judged again on its longest consistent stretch */
  readonly trimContradictions: boolean;
}

export const DEFAULT_TUNING: MatchTuning = Object.freeze({
  ubiquityMin: 4,
  ubiquityFraction: 0.35,
  ubiquityMax: Infinity,
  minRareShare: 0.15,
  minRareShareModified: 0.4,
  minFunctionCover: 0.8,
  minRareShareWhole: 0.1,
  minConsistency: 0.85,
  minSimilarityModified: 0.7,
  minLongestRun: 30,
  minLongRunShare: 0.7,
  minMatchedShare: 0.85,
  minBandHits: 1,
  minClusterPairs: 1,
  minDistinctRatio: 0.25,
  repetitiveConfirmedShare: 0.15,
  minKeptStringsShare: 0.1,
  minVocabulary: 10,
  minInFunctionShare: 0.75,
  trimContradictions: true,
});

/** How many repositories a shingle must be in to be ubiquitous (MatchTuning.ubiquityMin and the rest). */
export function ubiquityThreshold(t: Pick<MatchTuning, 'ubiquityMin' | 'ubiquityFraction' | 'ubiquityMax'>, repos: number): number {
  return Math.min(t.ubiquityMax, Math.max(t.ubiquityMin, Math.ceil(t.ubiquityFraction * repos)));
}
