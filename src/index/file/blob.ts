// Token streams encoded where they are made: a worker thread that tokenized a file also encodes (deflating)
// and checksums its token stream for the segment (format 3 on), against the grammar's frozen code table
// (core/tokenize.ts codeTable), so the thread writing the segment only appends the bytes. The way back,
// checked: a reader decodes a stored stream, and so does a worker for a file a re-index carries over.
import type { CodeTable } from '../../core/tokenize';
import type { TokenBlob } from '../store';
import { ByteReader, ByteWriter, CodeIndex, Malformed, OutsideTable, decodeCodes, decodeTokens, encodeTokens, type StoredTable } from './codec';
import { crc32 } from './crc32';
import { errors } from './format';

/** code -> index, per table (tables are cached by the tokenizer, so this is built once per grammar) */
const indexes = new WeakMap<Uint32Array, CodeIndex>();

function indexOf(table: Uint32Array): CodeIndex {
  let m = indexes.get(table);
  if (!m) {
    m = new CodeIndex(table);
    indexes.set(table, m);
  }
  return m;
}

/**
 * Token streams of more than CHUNKED_ABOVE tokens are stored (format 6) in chunks of CHUNK_TOKENS tokens, each
 * a token stream of its own (codec.ts encodeTokens) with its own CRC, so that a reader decodes the part of a
 * large file it aligns: a bundle of 500,000 tokens for a region of a few hundred. Raw hashes and the deflate
 * window start afresh in each chunk, which costs bytes: +0.9% of the token streams of the benchmark corpus
 * when files over 8,192 tokens are chunked, +0.13% over 32,768 (a few large files; the largest got smaller).
 *   chunked stream: per chunk (ceil(T / CHUNK_TOKENS) of them) a varint byte length and its CRC-32 as u32
 *   little-endian, then the chunks in order.
 */
export const CHUNK_TOKENS = 8192;
export const CHUNKED_ABOVE = 4 * CHUNK_TOKENS;
export const isChunked = (tokens: number): boolean => tokens > CHUNKED_ABOVE;
export const chunkCount = (tokens: number): number => Math.ceil(tokens / CHUNK_TOKENS);
/** the most bytes a chunked stream's directory can take */
export const directoryBound = (tokens: number): number => 9 * chunkCount(tokens);

/** A file's token stream as stored: in chunks when it is long (isChunked). Throws OutsideTable as encodeTokens does. */
export function encodeStream(codes: Uint32Array, raw: Uint16Array, lines: Uint32Array, vocab: Map<number, number> | CodeIndex,
  frozen?: { raws: Int32Array; used: Uint8Array }): Uint8Array {
  const t = codes.length;
  if (!isChunked(t)) return encodeTokens(codes, raw, lines, vocab, frozen);
  const dir = new ByteWriter();
  const parts: Uint8Array[] = [];
  for (let a = 0; a < t; a += CHUNK_TOKENS) {
    const b = Math.min(t, a + CHUNK_TOKENS);
    const part = encodeTokens(codes.subarray(a, b), raw.subarray(a, b), lines.subarray(a, b), vocab, frozen);
    const crc = crc32(part);
    dir.varint(part.length);
    dir.u16(crc & 0xffff);
    dir.u16(crc >>> 16);
    parts.push(part);
  }
  const out = new Uint8Array(dir.n + parts.reduce((n, x) => n + x.length, 0));
  out.set(dir.view(), 0);
  let p = dir.n;
  for (const x of parts) { out.set(x, p); p += x.length; }
  return out;
}

/** Where a chunked stream's chunks are: byte offsets (count + 1, the first after the directory) and CRCs. */
export interface Chunks {
  readonly offsets: Float64Array;
  readonly crcs: Uint32Array;
}

/** A chunked stream's directory, from its first bytes (`head`, directoryBound of them or all); Malformed when damaged. */
export function chunkDirectory(head: Uint8Array, tokens: number, storedLength: number): Chunks {
  const n = chunkCount(tokens);
  const r = new ByteReader(head);
  const lengths = new Float64Array(n), crcs = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    lengths[i] = r.varint();
    crcs[i] = (r.u16() | (r.u16() << 16)) >>> 0;
  }
  const offsets = new Float64Array(n + 1);
  offsets[0] = r.p;
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + lengths[i]!;
  if (offsets[n] !== storedLength) throw new Malformed('has chunks of the wrong sizes');
  return { offsets, crcs };
}

/** The tokens of chunk i: [start, end). */
export function chunkTokens(i: number, tokens: number): [number, number] {
  return [i * CHUNK_TOKENS, Math.min(tokens, (i + 1) * CHUNK_TOKENS)];
}

/** One chunk's bytes checked against its CRC and decoded (codes alone unless `all`). */
export function decodeChunk(bytes: Uint8Array, crc: number, table: StoredTable, tokens: number, i: number, all: boolean, file: string, what: string):
  { codes: Uint32Array; raw?: Uint16Array; lines?: Uint32Array } {
  const [a, b] = chunkTokens(i, tokens);
  return checked(bytes, crc, file, `${what}, chunk ${i}`, () => (all ? decodeTokens(bytes, table, b - a) : { codes: decodeCodes(bytes, table, b - a) }));
}

/** A whole chunked stream decoded into one buffer, as decodeTokens gives it. */
function decodeChunked(stored: Uint8Array, table: StoredTable, tokens: number, used?: Uint8Array): { codes: Uint32Array; raw: Uint16Array; lines: Uint32Array } {
  const { offsets } = chunkDirectory(stored, tokens, stored.length);
  const buf = new ArrayBuffer(10 * tokens);
  const codes = new Uint32Array(buf, 0, tokens), lines = new Uint32Array(buf, 4 * tokens, tokens), raw = new Uint16Array(buf, 8 * tokens, tokens);
  for (let i = 0; i + 1 < offsets.length; i++) {
    const [a, b] = chunkTokens(i, tokens);
    const part = decodeTokens(stored.subarray(offsets[i]!, offsets[i + 1]!), table, b - a, used);
    codes.set(part.codes, a);
    lines.set(part.lines, a);
    raw.set(part.raw, a);
  }
  return { codes, raw, lines };
}

/** The stored token stream of a file; undefined when a token does not fit the table. */
export function encodeBlob(codes: Uint32Array, raw: Uint16Array, lines: Uint32Array, table: CodeTable): TokenBlob | undefined {
  const used = new Uint8Array(table.codes.length);
  let stored: Uint8Array; // in an ArrayBuffer of its own (not Node's buffer pool), so it can be transferred
  try {
    stored = encodeStream(codes, raw, lines, indexOf(table.codes), { raws: table.raws, used });
  } catch (e) {
    if (e instanceof OutsideTable) return undefined; // the segment writer encodes it against its own table
    throw e;
  }
  return { tokens: codes.length, stored, crc: crc32(stored), table, used };
}

/**
 * A stored token stream checked against its CRC and decoded; damage is a one-line "corrupted"
 * UserError naming the segment `file` and `what` was read. `used` as in decodeTokens.
 */
export function decodeStored(stored: Uint8Array, crc: number, table: StoredTable, tokens: number, file: string, what: string,
  used?: Uint8Array, chunked = false): { codes: Uint32Array; raw: Uint16Array; lines: Uint32Array } {
  return checked(stored, crc, file, what, () => (chunked ? decodeChunked(stored, table, tokens, used) : decodeTokens(stored, table, tokens, used)));
}

/** decodeStored's codes alone (codec.ts decodeCodes) of a stream not chunked, checked the same way. */
export function decodeStoredCodes(stored: Uint8Array, crc: number, table: StoredTable, tokens: number, file: string, what: string): Uint32Array {
  return checked(stored, crc, file, what, () => decodeCodes(stored, table, tokens));
}

function checked<T>(stored: Uint8Array, crc: number, file: string, what: string, decode: () => T): T {
  if (crc32(stored) !== crc) throw errors.corrupted(file, `${what}: checksum mismatch`);
  try {
    return decode();
  } catch (e) {
    if (e instanceof Malformed) throw errors.corrupted(file, `${what}: ${e.message}`);
    throw e;
  }
}
