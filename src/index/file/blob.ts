// Token streams encoded where they are made: a worker thread that tokenized a file also encodes, deflates
// and checksums its token stream for the segment (format 3), against the grammar's frozen code table
// (core/tokenize.ts codeTable), so the thread writing the segment only appends the bytes.
import { deflateRawSync } from 'node:zlib';
import type { CodeTable } from '../../core/tokenize';
import type { TokenBlob } from '../store';
import { CodeIndex, encodeTokens } from './codec';
import { BLOB_DEFLATE_LEVEL } from './container';
import { crc32 } from './crc32';

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
  let bytes: Uint8Array;
  try {
    bytes = encodeTokens(codes, raw, lines, indexOf(table.codes), { raws: table.raws, used });
  } catch {
    return undefined; // the segment writer encodes it against its own table
  }
  // a copy in an ArrayBuffer of its own: zlib's result may share Node's buffer pool, which cannot be transferred
  const stored = new Uint8Array(deflateRawSync(bytes, { level: BLOB_DEFLATE_LEVEL }));
  return { tokens: codes.length, stored, crc: crc32(stored), table, used };
}
