// The on-disk format of the embedded index. An index is a directory:
//
//   MANIFEST          the live state: fingerprint params, repositories -> segment file, next segment number
//   seg-<n>.mcs       one immutable segment per repository (replaced as a whole when the repo is re-indexed)
//   LOCK              present while a writer commits: {"pid","hostname"}; stale locks of dead pids are taken over
//   .tmp-<pid>-<rnd>  files being written; renamed into place, or garbage-collected when their writer died
//
// MANIFEST and segments are containers with the same framing (all integers little-endian):
//
//   0   magic     4 bytes: 'MCIX' (manifest) or 'MCSG' (segment)
//   4   u16       major version: readers refuse a newer major ("written by a newer MemoCheck")
//   6   u16       minor version: additive changes only; unknown section kinds are ignored
//   8   u32       section count n
//   12  n x 24    section table {u32 kind, u64 offset, u64 length, u32 crc32 of the stored bytes}
//   12+24n u32    crc32 of bytes [0, 12+24n): header and table
//   ...           section payloads at their offsets
//
// Bit 31 of `kind` (DEFLATED) marks a payload stored with raw deflate (zlib deflateRawSync); the CRC covers
// the stored (compressed) bytes, so corruption is found before inflating. A section extending past the end of
// the file means a truncated file.
//
// MANIFEST sections: PARAMS (JSON FingerprintParams), REPOS (JSON {nextSegment, repos: ManifestRepo[]}).
//
// Segment sections (one repository; F files, U units, B = params.bands). Format 2 stores what lookups need
// compactly and nothing that can be recomputed from the token codes (format 1 kept each file's shingles and
// the band of every posting: 0.84 index bytes per source byte on the benchmark corpus, format 2 0.42).
// Format 3 lets the worker threads encode the token streams (index/file/blob.ts): a stream indexes a code
// table of its own (format 2: the one CODES vocabulary of the segment, grown in order of first use by the
// writing thread), so it no longer depends on the files written before it. Format 4 stores a token stream as
// separate streams of codes (lines among them) and of raw hashes by recency (0.133 index bytes per source
// byte for token streams in format 3, 0.097 in format 4; see codec.ts encodeTokens), and leaves out the
// units it can recompute (index windows) and the fixed width of per-file and per-unit numbers, and stores the
// packed sets' bucket sizes in unary.
//   META         JSON {repo: RepoSummary, params}
//   FILE_STRINGS deflated JSON {paths, languages, licenses (null = repo licence), hashes}
//   FILE_NUMS    deflated (codec.ts encodeFileNums) varints units[F], tokenCount[F], sourceBytes[F],
//                blobLength[F], codeTable[F] (index in CODE_TABLES), then u32 blobCrc[F]. units = the
//                file's stored units * 2, + 1 when its index windows (core/minhash.ts windows: they depend
//                on the token count only) follow them and are not stored. A file's units are its stored
//                ones, then those windows; unit ids count both. Blob offsets are the prefix sums of blobLength
//   UNIT_KINDS   deflated u8 per stored unit (codes of core/fingerprint.ts UNIT_KINDS)
//   UNIT_STARTS  deflated varints: per stored unit its start token - the previous stored unit's in the file
//                (mod 2^32, zigzag); UNIT_LENGTHS deflated varints end - start (codec.ts UnitWriter)
//   CODE_TABLES  deflated code tables (codec.ts encodeCodeTables), each stored sparsely: length n, a bit
//                mask of the indexes in use, their codes as u32. Table 0 is grown in order of first use by
//                the writing thread (files handed to the store as codes); the others are grammars' frozen
//                tables (core/tokenize.ts codeTable), which the workers' token streams index, one per
//                language: a re-index carries unchanged files' streams over as they are, and their stored
//                table merges with the grammar's (they agree at every index both use)
//   POST_KEY_COUNTS, POST_KEY_LOW   the distinct band keys as a packed set (codec.ts encodeSet, Elias-Fano):
//                deflated {varint count, varint bits b = ceil(log2 count), the sizes of the 2^b buckets of the
//                keys' top b bits in unary: count + 2^b bits}, and the keys' low 32 - b bits bit-packed (stored
//                as they are: random bits). Format 3 had varint bucket sizes, 0.9 bits more per key
//   POST_LENGTHS deflated bits, one per posting (key, unit) in key order: 1 at the last unit of each key
//   POST_LISTS   deflated varints: per key the gaps - 1 between its units (ascending, distinct). Format 3 had
//                varint list lengths - 1 before them (0.5 bits more per posting)
//   POST_FIRST   the first unit of each key's list, bit-packed in bitsFor(U - 1) bits
//                Which band a key came from is not stored: IndexedFile.bandKeys are recomputed from the codes.
//   SHINGLE_COUNTS, SHINGLE_LOW   the repository's distinct shingle hashes as a packed set (for document
//                frequencies)
//   BLOBS        per file one token stream (own CRC in FILE_NUMS, read on demand), codec.ts encodeTokens:
//                varint N, N x u16 new raw hashes, then raw deflate of {varint T, varint n1, varint n4, code
//                stream (per token: line steps, then its index in the file's code table), line stream (varints
//                of line steps > 1), raw stream (per token without a constant raw hash: a varint rank among
//                the code's recent or distinct raw hashes, or 0 = the next new one)}. From format 6 a stream
//                of more than 32,768 tokens is chunked (blob.ts encodeStream): a directory of the chunks'
//                lengths and CRCs, then one such stream per 8,192 tokens
//
// Unit and file ids handed to callers are global within one reader's snapshot: segments are numbered in
// manifest order, and id = unitBase[segment] + localUnit (likewise fileBase for files), where the bases are
// the cumulative counts of the segments before. Ids therefore are only meaningful with the reader that
// returned them, which is what the IndexReader contract says ("opaque"). A reader merges the segments'
// postings on open into one table of distinct keys with their units (postings.ts), so lookups do not slow
// down with many repositories.
import { UserError } from '../store';
import { crc32 } from './crc32';

export const MANIFEST_MAGIC = 'MCIX';
export const SEGMENT_MAGIC = 'MCSG';
/**
 * 5: indexes are created with family-salted band keys (FingerprintParams.familyKeys), which a reader of
 * format 4 would ignore and so find nothing. The layout is format 4's: a format 4 index (params without
 * familyKeys, one key space) is still read, and written to with its own params.
 * 6: token streams of more than 32,768 tokens are stored in chunks (blob.ts encodeStream), which a reader of
 * format 5 would misread. Segments of formats 4 and 5 are still read (their streams are never chunked); a
 * re-index re-reads their files that format 6 chunks instead of carrying them over.
 */
export const FORMAT_MAJOR = 6;
export const FORMAT_MINOR = 0;
/** the oldest format this version reads */
export const FORMAT_MIN_MAJOR = 4;
export const MANIFEST_NAME = 'MANIFEST';
export const LOCK_NAME = 'LOCK';
export const TMP_PREFIX = '.tmp-';
export const SEGMENT_RE = /^seg-(\d+)\.mcs$/;
export const segmentName = (n: number): string => `seg-${n}.mcs`;

export const DEFLATED = 0x8000_0000;
export const HEADER_BYTES = 12;
export const ENTRY_BYTES = 24;

export const Kind = {
  PARAMS: 1, REPOS: 2,
  META: 16, FILE_STRINGS: 17, FILE_NUMS: 18, UNIT_KINDS: 19, UNIT_STARTS: 20, UNIT_LENGTHS: 21,
  // 26 was format 2's CODES
  BLOBS: 25, POST_KEY_COUNTS: 27, POST_KEY_LOW: 28, POST_LISTS: 29, POST_FIRST: 30,
  SHINGLE_COUNTS: 31, SHINGLE_LOW: 32, CODE_TABLES: 33, POST_LENGTHS: 34,
} as const;

const KIND_NAMES = new Map<number, string>(Object.entries(Kind).map(([name, kind]) => [kind, name]));
export const kindName = (kind: number): string => KIND_NAMES.get(kind & 0x7fff_ffff) ?? `#${kind & 0x7fff_ffff}`;

export interface SectionEntry {
  /** section kind, with DEFLATED set when the payload is compressed */
  readonly kind: number;
  readonly offset: number;
  readonly length: number;
  readonly crc: number;
}

export interface Header {
  readonly major: number;
  readonly minor: number;
  readonly sections: readonly SectionEntry[];
  /** bytes taken by header, table and header checksum */
  readonly bytes: number;
}

export const headerBytes = (sectionCount: number): number => HEADER_BYTES + ENTRY_BYTES * sectionCount + 4;

export function encodeHeader(magic: string, sections: readonly SectionEntry[], major = FORMAT_MAJOR, minor = FORMAT_MINOR): Buffer {
  const b = Buffer.alloc(headerBytes(sections.length));
  b.write(magic, 0, 'latin1');
  b.writeUInt16LE(major, 4);
  b.writeUInt16LE(minor, 6);
  b.writeUInt32LE(sections.length, 8);
  let p = HEADER_BYTES;
  for (const s of sections) {
    b.writeUInt32LE(s.kind >>> 0, p);
    writeU64(b, s.offset, p + 4);
    writeU64(b, s.length, p + 12);
    b.writeUInt32LE(s.crc >>> 0, p + 20);
    p += ENTRY_BYTES;
  }
  b.writeUInt32LE(crc32(b.subarray(0, p)), p);
  return b;
}

/** Errors a reader raises; each is one line naming the file and what to do. */
export const errors = {
  notIndexFile: (file: string) =>
    new UserError(`${file} is not a MemoCheck index file; choose another --index path or re-create the index with memocheck index`),
  newer: (file: string, major: number, minor: number) =>
    new UserError(`${file} was written by a newer MemoCheck (format ${major}.${minor}); upgrade MemoCheck`),
  older: (file: string, major: number, minor: number) =>
    new UserError(`${file} was written by an older MemoCheck (format ${major}.${minor}, this one reads ${FORMAT_MIN_MAJOR}.x to ${FORMAT_MAJOR}.x); delete the index directory and re-create it with memocheck index`),
  corrupted: (file: string, what: string) =>
    new UserError(`${file} is corrupted (${what}); re-create it with memocheck index`),
};

/**
 * Parses and checks a container header. `prefix` holds at least the first bytes of the file (as many as
 * `fileSize` allows, up to `need`); when the table needs more bytes than given, `need` says how many.
 */
export function decodeHeader(
  prefix: Uint8Array, file: string, magic: string, fileSize: number,
): Header | { need: number } {
  const b = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (b.length < 4 || b.toString('latin1', 0, 4) !== magic) throw errors.notIndexFile(file);
  if (b.length < HEADER_BYTES) throw errors.corrupted(file, 'truncated header');
  const major = b.readUInt16LE(4);
  const minor = b.readUInt16LE(6);
  if (major > FORMAT_MAJOR) throw errors.newer(file, major, minor);
  if (major < 1) throw errors.corrupted(file, `unknown format version ${major}.${minor}`);
  if (major < FORMAT_MIN_MAJOR) throw errors.older(file, major, minor);
  const n = b.readUInt32LE(8);
  const total = headerBytes(n);
  if (total > fileSize) throw errors.corrupted(file, 'truncated section table');
  if (b.length < total) return { need: total };
  const p = HEADER_BYTES + ENTRY_BYTES * n;
  if (crc32(b.subarray(0, p)) !== b.readUInt32LE(p)) throw errors.corrupted(file, 'section table checksum mismatch');
  const sections: SectionEntry[] = [];
  for (let i = 0, q = HEADER_BYTES; i < n; i++, q += ENTRY_BYTES) {
    const s = { kind: b.readUInt32LE(q), offset: readU64(b, q + 4), length: readU64(b, q + 12), crc: b.readUInt32LE(q + 20) };
    if (s.offset < total || s.offset + s.length > fileSize) {
      throw errors.corrupted(file, `truncated: section ${kindName(s.kind)} extends past the end of the file`);
    }
    sections.push(s);
  }
  return { major, minor, sections, bytes: total };
}

function writeU64(b: Buffer, v: number, at: number): void {
  b.writeUInt32LE(v % 0x1_0000_0000, at);
  b.writeUInt32LE(Math.floor(v / 0x1_0000_0000), at + 4);
}

function readU64(b: Buffer, at: number): number {
  const hi = b.readUInt32LE(at + 4);
  // offsets beyond 2^53 cannot be addressed by a JS number; such a table is damage, not data
  if (hi >= 0x20_0000) return Number.MAX_SAFE_INTEGER;
  return hi * 0x1_0000_0000 + b.readUInt32LE(at);
}
