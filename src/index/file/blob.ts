// Token streams encoded where they are made: a worker thread that tokenized a file also encodes (deflating)
// and checksums its token stream for the segment (format 3 on), against the grammar's frozen code table
// (core/tokenize.ts codeTable), so the thread writing the segment only appends the bytes. The way back,
// checked: a reader decodes a stored stream, and so does a worker for a file a re-index carries over.
import type { CodeTable } from '../../core/tokenize';
import type { TokenBlob } from '../store';
import { CodeIndex, Malformed, OutsideTable, decodeCodes, decodeTokens, encodeTokens, type StoredTable } from './codec';
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

/** The stored (deflated) token stream of a file; undefined when a token does not fit the table. */
export function encodeBlob(codes: Uint32Array, raw: Uint16Array, lines: Uint32Array, table: CodeTable): TokenBlob | undefined {
  const used = new Uint8Array(table.codes.length);
  let stored: Uint8Array; // in an ArrayBuffer of its own (not Node's buffer pool), so it can be transferred
  try {
    stored = encodeTokens(codes, raw, lines, indexOf(table.codes), { raws: table.raws, used });
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
  used?: Uint8Array): { codes: Uint32Array; raw: Uint16Array; lines: Uint32Array } {
  return checked(stored, crc, file, what, () => decodeTokens(stored, table, tokens, used));
}

/** decodeStored's codes alone (codec.ts decodeCodes), checked the same way. */
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
