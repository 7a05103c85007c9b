// Per-file blobs. Little-endian, deflated on the client (less traffic, and TOAST stores them as is).
//   tokens: u32 n | codes u32[n] | raw u16[n] | lines u32[n]
//   extra:  u32 units | u32 bandKeys | u32 shingles | kinds u8[units] | starts u32[units] | ends u32[units]
//           | bandKeys u32[] | shingles u32[]
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { IndexedFile } from '../store';

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function put(out: Buffer, at: number, arr: ArrayBufferView): number {
  const bytes = Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
  if (arr instanceof Uint8Array || isLittleEndian) bytes.copy(out, at);
  else swapInto(out, at, arr);
  return at + arr.byteLength;
}

function swapInto(out: Buffer, at: number, arr: ArrayBufferView): void {
  if (arr instanceof Uint16Array) arr.forEach((v, i) => out.writeUInt16LE(v, at + 2 * i));
  else if (arr instanceof Uint32Array) arr.forEach((v, i) => out.writeUInt32LE(v, at + 4 * i));
}

function u32(buf: Buffer, at: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  if (isLittleEndian) new Uint8Array(out.buffer).set(buf.subarray(at, at + 4 * n));
  else for (let i = 0; i < n; i++) out[i] = buf.readUInt32LE(at + 4 * i);
  return out;
}

function u16(buf: Buffer, at: number, n: number): Uint16Array {
  const out = new Uint16Array(n);
  if (isLittleEndian) new Uint8Array(out.buffer).set(buf.subarray(at, at + 2 * n));
  else for (let i = 0; i < n; i++) out[i] = buf.readUInt16LE(at + 2 * i);
  return out;
}

export function encodeTokens(f: Pick<IndexedFile, 'codes' | 'raw' | 'lines'>): Buffer {
  const n = f.codes.length;
  const out = Buffer.alloc(4 + n * 10);
  out.writeUInt32LE(n, 0);
  let at = put(out, 4, f.codes);
  at = put(out, at, f.raw);
  put(out, at, f.lines);
  return deflateRawSync(out, { level: 1 });
}

export function decodeTokens(blob: Buffer): { codes: Uint32Array; raw: Uint16Array; lines: Uint32Array } {
  const buf = inflateRawSync(blob);
  const n = buf.readUInt32LE(0);
  if (buf.length !== 4 + n * 10) throw new Error(`corrupt token blob (${buf.length} bytes for ${n} tokens)`);
  return { codes: u32(buf, 4, n), raw: u16(buf, 4 + 4 * n, n), lines: u32(buf, 4 + 6 * n, n) };
}

export function encodeExtra(f: Pick<IndexedFile, 'unitKinds' | 'unitStarts' | 'unitEnds' | 'bandKeys' | 'shingles'>): Buffer {
  const u = f.unitKinds.length;
  const out = Buffer.alloc(12 + u * 9 + f.bandKeys.length * 4 + f.shingles.length * 4);
  out.writeUInt32LE(u, 0);
  out.writeUInt32LE(f.bandKeys.length, 4);
  out.writeUInt32LE(f.shingles.length, 8);
  let at = put(out, 12, f.unitKinds);
  at = put(out, at, f.unitStarts);
  at = put(out, at, f.unitEnds);
  at = put(out, at, f.bandKeys);
  put(out, at, f.shingles);
  return deflateRawSync(out, { level: 1 });
}

export function decodeExtra(blob: Buffer): Pick<IndexedFile, 'unitKinds' | 'unitStarts' | 'unitEnds' | 'bandKeys' | 'shingles'> {
  const buf = inflateRawSync(blob);
  const u = buf.readUInt32LE(0), b = buf.readUInt32LE(4), s = buf.readUInt32LE(8);
  if (buf.length !== 12 + u * 9 + b * 4 + s * 4) throw new Error('corrupt unit blob');
  const unitKinds = Uint8Array.from(buf.subarray(12, 12 + u));
  let at = 12 + u;
  const unitStarts = u32(buf, at, u); at += 4 * u;
  const unitEnds = u32(buf, at, u); at += 4 * u;
  const bandKeys = u32(buf, at, b); at += 4 * b;
  const shingles = u32(buf, at, s);
  return { unitKinds, unitStarts, unitEnds, bandKeys, shingles };
}

/** COPY text format: escapes a text value (backslash, tab, newline, carriage return). */
export function copyText(s: string | undefined | null): string {
  if (s === undefined || s === null) return '\\N';
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** COPY text format for bytea: hex with the backslash itself escaped. */
export function copyBytea(b: Buffer): string {
  return `\\\\x${b.toString('hex')}`;
}
