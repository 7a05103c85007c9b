// The storage interface. Everything above it (matcher, CLI, extension) is storage-agnostic:
// the embedded file store (src/index/file) and the PostgreSQL store (src/index/postgres) implement it.
import type { Cluster } from '../core/cluster';
import type { FileFingerprint } from '../core/fingerprint';
import { DEFAULT_PARAMS } from '../core/options';
import type { CodeTable } from '../core/tokenize';
import type { FingerprintParams, LanguageId, Unit, UnitKind } from '../core/types';

/** What the user and the indexer know about a repository. */
export interface RepoMeta {
  /** unique key; defaults to the directory's base name */
  readonly name: string;
  /** absolute folder it was indexed from (used to open originals) */
  readonly root?: string;
  readonly url?: string;
  readonly commit?: string;
  /** SPDX expression or 'unknown' */
  readonly license: string;
  /** where the licence came from: '--license', 'package.json', 'LICENSE', ... */
  readonly licenseSource?: string;
  readonly indexedAt: string;
}

export interface RepoSummary extends RepoMeta {
  readonly files: number;
  readonly units: number;
  readonly tokens: number;
  /** bytes of source code that were indexed */
  readonly sourceBytes: number;
}

/**
 * A fingerprinted source file as the indexer hands it to a store (fingerprint fields: core/fingerprint.ts).
 * bandKeys and shingles must be what fingerprintForIndex computes from codes and the unit ranges, with one
 * exception: the file store keeps which units have which key, not the band, so the band keys of a file it
 * carries over (CarriedFile) are each unit's distinct keys ascending, the last repeated to fill the bands.
 */
export interface IndexedFile extends FileFingerprint {
  /** repository-relative path with '/' separators */
  readonly path: string;
  readonly language: LanguageId;
  /** per-file SPDX-License-Identifier, overrides the repository licence */
  readonly license?: string;
  /** sha-1 of the file's bytes, for incremental re-indexing */
  readonly contentHash: string;
  readonly sourceBytes: number;
  /**
   * The token stream already encoded, by the worker that tokenized the file, for a store that said
   * `acceptsTokenBlobs` (only such a store gets one). The stream is then not passed again: codes, raw
   * and lines are empty (they would only cost the indexing thread copies and garbage collection).
   */
  readonly tokenBlob?: TokenBlob;
}

/**
 * A token stream encoded for the embedded file store (index/file/blob.ts): the deflated bytes, their
 * CRC-32, the code table they index (core/tokenize.ts codeTable) and a 1 per table index used.
 */
export interface TokenBlob {
  /** number of tokens */
  readonly tokens: number;
  readonly stored: Uint8Array;
  readonly crc: number;
  readonly table: CodeTable;
  readonly used: Uint8Array;
}

/**
 * A file of a repository's previous index (IndexStore.previousFiles): its hash, and its record, read only
 * when the indexer finds the file unchanged.
 */
export interface PreviousFile {
  readonly contentHash: string;
  record(): Promise<IndexedFile | CarriedFile>;
}

/** The files of a repository's previous index by path; close (once or more) releases what record() reads from. */
export interface PreviousFiles {
  readonly size: number;
  get(path: string): PreviousFile | undefined;
  close(): Promise<void>;
}

export const NO_PREVIOUS_FILES: PreviousFiles = Object.freeze({ size: 0, get: () => undefined, close: async () => undefined });

/** PreviousFiles over records already in memory. */
export function previousFilesOf(files: Iterable<IndexedFile>): PreviousFiles {
  const byPath = new Map<string, PreviousFile>();
  for (const f of files) byPath.set(f.path, { contentHash: f.contentHash, record: async () => f });
  return { size: byPath.size, get: (p) => byPath.get(p), close: async () => undefined };
}

/**
 * A stored file handed back with its token stream as stored (by a store that acceptsTokenBlobs: the file
 * store), without the shingles the store does not keep per file: the indexer recomputes them from the
 * stream, in a worker thread, and hands the store an IndexedFile whose tokenBlob is this stream (so the
 * bytes are appended as they are).
 */
export interface CarriedFile extends Omit<IndexedFile, 'codes' | 'raw' | 'lines' | 'shingles' | 'tokenBlob'> {
  readonly stored: StoredTokens;
}

/**
 * A token stream as a segment stores it: a TokenBlob whose `used` marks are found by decoding it, with the
 * stored table's valid indexes (codec.ts StoredTable) and the segment file it came from, for messages.
 */
export interface StoredTokens extends Omit<TokenBlob, 'used' | 'table'> {
  readonly table: CodeTable & { readonly valid: Uint8Array | undefined };
  readonly source: string;
}

export { UNIT_KINDS } from '../core/fingerprint';

/** A unit as stored: enough to find its file and its token range. Ids are opaque to callers. */
export interface UnitRecord {
  readonly id: number;
  readonly fileId: number;
  /** its file's language (so a matcher can drop other languages before ranking candidates) */
  readonly language: LanguageId;
  readonly kind: UnitKind;
  readonly startToken: number;
  readonly endToken: number;
}

/**
 * Units as columns (IndexReader.candidates' records): entry i of each column is the unit ids[i]. A matcher asks for
 * tens of thousands of candidate units per query, and one object per unit cost it more than the columns.
 */
export interface UnitColumns {
  readonly ids: Uint32Array;
  readonly fileId: Uint32Array;
  readonly start: Uint32Array;
  readonly end: Uint32Array;
  /** the kind's code: its index in UNIT_KINDS */
  readonly kind: Uint8Array;
}

/** What a matcher asks IndexReader.candidates for: the clusters of a query's band keys' hits (core/cluster.ts). */
export interface CandidateRequest {
  /** the query units' band keys, `bands` per unit */
  readonly keys: Uint32Array;
  readonly bands: number;
  /** the query units */
  readonly units: readonly Unit[];
  /** keys of more units are skipped (IndexReader.lookup) */
  readonly maxPostings: number;
  /** query units kept per source unit, the band hits a source unit needs, clusters wanted (candidateHits, clusterHits) */
  readonly perUnit: number;
  readonly minBandHits: number;
  readonly limit: number;
  /** candidate units of files in other languages are dropped (and counted) */
  readonly keep: (language: LanguageId) => boolean;
  /** whether the store may do part of the work on another thread (false in batches that keep the cores busy) */
  readonly helper: boolean;
}

/** IndexReader.candidates' answer: what the matcher computes from lookup() and units() without it (candidatesOf). */
export interface CandidateClusters {
  readonly skipped: number;
  /** candidate units, and those of them dropped for their language */
  readonly candidateUnits: number;
  readonly dropped: number;
  /** the candidate units kept, as columns (each file's in order of first hit; files may come in another order) */
  readonly records: UnitColumns;
  readonly groups: number;
  /** the `limit` most-hit clusters, most-hit first */
  readonly clusters: Cluster[];
}

export interface FileRecord {
  readonly id: number;
  readonly repo: string;
  readonly path: string;
  readonly language: LanguageId;
  /** effective licence: the per-file one when present, else the repository's */
  readonly license: string;
  /** the token stream (core/tokenize.ts): normalized codes, raw hashes and 0-based lines per token */
  readonly codes: Uint32Array;
  /** raw and lines may be decoded when first read (the file store's are): read them where they are needed */
  readonly raw: Uint16Array;
  readonly lines: Uint32Array;
  /**
   * For a store that decodes files by region (the file store, whose long streams are chunked): the file's
   * token count, and `region`, which gives arrays of the whole file's length whose codes are valid in
   * [start, end), and with `all` its raw hashes and lines too (elsewhere they may be anything). Reading
   * codes, raw or lines of the record itself decodes the whole file.
   */
  readonly tokens?: number;
  region?(start: number, end: number, all: boolean): Pick<FileRecord, 'codes' | 'raw' | 'lines'>;
}

export interface IndexInfo {
  readonly location: string;
  readonly formatVersion: string;
  readonly params: FingerprintParams;
  readonly repos: RepoSummary[];
  readonly files: number;
  readonly units: number;
  /** bytes the index takes on disk (or in the database) */
  readonly bytes: number;
}

/** Read side. A reader sees one consistent snapshot of the index, whatever writers do meanwhile. */
export interface IndexReader {
  readonly params: FingerprintParams;
  readonly repoCount: number;
  readonly unitCount: number;
  /**
   * For each band key, the ids of the units that have it. A key with more than maxPostings units is
   * ubiquitous (idioms, boilerplate): its entry is an empty array and it is counted in `skipped`.
   */
  lookup(keys: Uint32Array, maxPostings: number): Promise<{ postings: Uint32Array[]; skipped: number }>;
  /**
   * The records of these units, in the order of `ids`: the matcher forms clusters in the order the records
   * come, and ranks tied clusters by it. An id the snapshot lacks is left out (PostgreSQL) or a RangeError
   * (the file store); the matcher asks only for ids its lookup() gave.
   */
  units(ids: readonly number[]): Promise<UnitRecord[]>;
  /**
   * Optional: lookup(), the hit table, the candidate units' records as columns and clusterHits() in one, which a store may split
   * between two threads (the file store does, for large queries). Same answer as the matcher's own steps.
   */
  candidates?(request: CandidateRequest): Promise<CandidateClusters>;
  file(fileId: number): Promise<FileRecord>;
  /**
   * Optional: a hint that the caller will read the codes of these regions of these files (through region()),
   * in this order, until the next call (an empty list ends it); a store may decode them ahead, on another thread.
   */
  prefetch?(regions: readonly { fileId: number; start: number; end: number }[]): void;
  repo(name: string): Promise<RepoSummary | undefined>;
  /** number of indexed repositories containing each shingle (document frequency) */
  documentFrequency(shingles: Uint32Array): Promise<Uint16Array>;
  close(): Promise<void>;
}

/** Write side plus management. Writes are atomic: a failed or killed writer leaves the previous state. */
export interface IndexStore {
  /** where the index lives, for messages (never contains credentials) */
  readonly location: string;
  /** true when putRepo uses IndexedFile.tokenBlob, so the indexer has its workers encode them */
  readonly acceptsTokenBlobs?: boolean;
  /**
   * true when putRepo calls may overlap (each one commits on its own, in the order they finish), so the
   * indexer can fingerprint the next repository while one is being written
   */
  readonly overlappingPuts?: boolean;
  /** creates an empty index when there is none, with these params (ignored when one exists) */
  init(params: FingerprintParams): Promise<void>;
  info(): Promise<IndexInfo>;
  /** adds or atomically replaces a repository; files may be streamed */
  putRepo(meta: RepoMeta, files: AsyncIterable<IndexedFile> | Iterable<IndexedFile>, signal?: AbortSignal): Promise<RepoSummary>;
  removeRepo(name: string): Promise<boolean>;
  /** the files stored for a repository by path, so re-indexing reuses unchanged ones by contentHash; close it */
  previousFiles(repo: string): Promise<PreviousFiles>;
  openReader(): Promise<IndexReader>;
  close(): Promise<void>;
}

/** Errors with a one-line message for users; the CLI prints message and exits with `exitCode`. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * The key under which a reader shares one decoded token stream among files of the same bytes (vendored
 * code, several indexed versions of a project), so the matcher aligns it once per query (match.ts). The
 * token count too: a stream is only shared where everything the store knows of it agrees.
 */
export function sharedStreamKey(language: LanguageId, contentHash: string, tokenCount: number): string {
  return `${language}\0${contentHash}\0${tokenCount}`;
}

/**
 * Stored params naming a key this version does not know (every key it knows has a default) were written by
 * a newer MemoCheck: querying with them would fingerprint queries differently from the index.
 */
export function requireKnownParams(params: object, location: string): void {
  const unknown = Object.keys(params).filter((k) => !(k in DEFAULT_PARAMS));
  if (unknown.length) throw new UserError(`${location} was written by a newer MemoCheck (index parameter ${unknown.join(', ')}); upgrade MemoCheck`);
}
