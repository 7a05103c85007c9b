// Plain records passed between the pipeline stages. Nothing here imports Node, VS Code or pg.

export const LANGUAGES = [
  'javascript', 'typescript', 'tsx', 'python', 'java', 'c', 'cpp', 'csharp', 'go', 'rust', 'ruby', 'php',
] as const;
export type LanguageId = (typeof LANGUAGES)[number];

/**
 * Languages whose code is copied into one another as it is: TypeScript and TSX take JavaScript, C++ takes C.
 * Matches are only made within a family; across families, equal normalized tokens are chance (two tables
 * of HTTP status codes in PHP and Ruby), not copying.
 */
export function languageFamily(id: LanguageId): string {
  return id === 'typescript' || id === 'tsx' ? 'javascript' : id === 'cpp' ? 'c' : id;
}

/**
 * A normalized token stream with a parallel position map. Index i of every array describes token i.
 * - codes: normalized token code from the frozen, name-based vocabulary (see core/vocabulary.ts):
 *   identifiers share one code, string and number literals have their own codes, keywords, operators
 *   and punctuation keep their own (by node-type *name*, never a grammar's numeric id).
 * - raw: 16-bit hash of the token's raw source text (tells verbatim copies from renamed ones).
 * - starts/ends: UTF-16 offsets into the source text; lines/endLines: 0-based lines.
 */
export interface TokenStream {
  readonly language: LanguageId;
  readonly codes: Uint32Array;
  readonly raw: Uint16Array;
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly lines: Uint32Array;
  readonly endLines: Uint32Array;
}

export type UnitKind = 'function' | 'class' | 'window';

/** A fingerprinted region of a token stream: tokens [start, end). */
export interface Unit {
  readonly kind: UnitKind;
  readonly start: number;
  readonly end: number;
}

/** Fingerprinting parameters. They are stored in an index; queries must use the index's values. */
export interface FingerprintParams {
  /** tokens per shingle */
  readonly k: number;
  /** MinHash signature length = bands * rows */
  readonly bands: number;
  readonly rows: number;
  /** token windows: size and stride when indexing, stride when querying */
  readonly windowSize: number;
  readonly indexStride: number;
  readonly queryStride: number;
  /** syntactic units and windows smaller than this (in normalized tokens) are not fingerprinted */
  readonly minUnitTokens: number;
  /** seed of the MinHash permutations (see core/minhash.ts for the written specification) */
  readonly seed: number;
  /**
   * 1: band keys are salted with the language family (core/minhash.ts bandSeed), so a lookup only meets units
   * of its own family. Absent or 0 in PostgreSQL indexes made before it existed: one key space for all.
   */
  readonly familyKeys?: number;
}

/** Options of a scan; all have defaults (see core/options.ts). */
export interface MatchOptions {
  /** the smallest copy to report, in normalized tokens; a finding matches at least 85% of this many */
  readonly minTokens: number;
  /** a finding's similarity (0..1) must be at least this */
  readonly minSimilarity: number;
  /** band keys with more postings than this are ubiquitous and skipped */
  readonly maxPostings: number;
}

export type MatchKind = 'verbatim' | 'renamed' | 'modified';

/** A verified match between a query token stream and an indexed file (before policy). */
export interface Match {
  /** 1-based inclusive lines in the query text */
  readonly startLine: number;
  readonly endLine: number;
  /** token range [start, end) in the query stream */
  readonly startToken: number;
  readonly endToken: number;
  readonly similarity: number;
  readonly kind: MatchKind;
  /** matched normalized tokens */
  readonly tokens: number;
  /** share (0..1) of the matched shingles that are rare in the index (1 = nothing ubiquitous) */
  readonly rarity: number;
  /** stable fingerprint of the matched source region: survives the copy moving to other lines */
  readonly fingerprint: string;
  readonly source: SourceRef;
}

export interface SourceRef {
  readonly repo: string;
  readonly path: string;
  /** 1-based inclusive lines in the original file */
  readonly startLine: number;
  readonly endLine: number;
  /** SPDX expression or 'unknown' (per-file SPDX-License-Identifier wins over the repository licence) */
  readonly license: string;
  readonly commit?: string;
  readonly url?: string;
  /** absolute path of the original on disk when the repository was indexed from a local folder */
  readonly localPath?: string;
}

export type Verdict = 'block' | 'attribution' | 'ok' | 'unknown';

/** A match in a file with its policy verdict: the record every reporter and the extension consume. */
export interface Finding extends Match {
  readonly file: string;
  readonly verdict: Verdict;
  /** set when the code came from one large insertion (AI completion, chat edit, paste) in the editor */
  readonly insertion?: boolean;
}
