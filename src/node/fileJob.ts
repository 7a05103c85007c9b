// One unit of parallel work: a file read, checked, tokenized and (for indexing) fingerprinted, or a file
// that re-indexing carries over from the previous index shingled again from its stored token stream.
// Runs in a worker thread or, when workers are off, in the calling thread.
import { createHash } from 'node:crypto';
import { fileShingles, fingerprintForIndex, unitColumns, UNIT_KINDS, type FileFingerprint } from '../core/fingerprint';
import { codeTable } from '../core/tokenize';
import type { FingerprintParams, LanguageId, TokenStream, Unit } from '../core/types';
import { decodeStored, encodeBlob, isChunked } from '../index/file/blob';
import { UserError, type StoredTokens, type TokenBlob } from '../index/store';
import { loadLanguage, ParseFailure, tokenizeText } from './grammars';
import { readSource, spdxHeader } from './source';

export type FileJob = SourceJob | CarryJob;

export interface SourceJob {
  readonly mode: 'index' | 'tokenize';
  readonly abs: string;
  readonly language: LanguageId;
  readonly params: FingerprintParams;
  readonly maxBytes: number;
  /** index mode: also encode the token stream for the file store (IndexStore.acceptsTokenBlobs) */
  readonly tokenBlobs?: boolean;
}

/** A file carried over by a re-index (store.ts CarriedFile): its shingles are recomputed from its stored tokens. */
export interface CarryJob {
  readonly mode: 'carry';
  readonly path: string;
  readonly params: FingerprintParams;
  readonly stored: StoredTokens;
}

/** What a carried file lacked: its shingles and the table indexes its token stream uses (TokenBlob.used). */
export interface CarryData {
  readonly shingles: Uint32Array;
  readonly used: Uint8Array;
}

export interface IndexData extends FileFingerprint {
  readonly contentHash: string;
  readonly sourceBytes: number;
  readonly license?: string;
  readonly tokenBlob?: TokenBlob;
}

export interface TokenData {
  readonly tokens: TokenStream;
  readonly unitKinds: Uint8Array;
  readonly unitStarts: Uint32Array;
  readonly unitEnds: Uint32Array;
  /** syntax error ranges as [start, end) token pairs */
  readonly errors: Uint32Array;
  readonly text: string;
}

export type FileResult =
  | { ok: true; mode: 'index'; data: IndexData }
  | { ok: true; mode: 'tokenize'; data: TokenData }
  | { ok: true; mode: 'carry'; data: CarryData }
  | { ok: false; reason: string };

/** `inWorker`: this runs in a pool's worker thread, which may block on reading the file (ReadOptions.blocking). */
export async function processFile(job: FileJob, inWorker = false): Promise<FileResult> {
  if (job.mode === 'carry') return carryFile(job);
  const src = await readSource(job.abs, { maxBytes: job.maxBytes, skipGenerated: job.mode === 'index', blocking: inWorker });
  if (!src.ok) return { ok: false, reason: src.reason };
  try {
    // an index must not fill up with garbage tokens; a scan looks at whatever tokens the file has
    const doc = await tokenizeText(src.text, job.language, undefined, job.mode === 'index');
    if (job.mode === 'tokenize') {
      return { ok: true, mode: 'tokenize', data: { tokens: doc.tokens, ...unitColumns(doc.units), errors: errorColumns(doc.errors ?? []), text: src.text } };
    }
    const fp = fingerprintForIndex(doc, job.params);
    const license = spdxHeader(src.text);
    const tokenBlob = job.tokenBlobs
      ? encodeBlob(fp.codes, fp.raw, fp.lines, codeTable(await loadLanguage(job.language), job.language))
      : undefined;
    return {
      ok: true, mode: 'index',
      data: {
        ...fp,
        // the blob carries the token stream (see IndexedFile.tokenBlob)
        ...(tokenBlob ? { tokenBlob, codes: new Uint32Array(0), raw: new Uint16Array(0), lines: new Uint32Array(0) } : {}),
        contentHash: createHash('sha1').update(src.bytes).digest('hex'),
        sourceBytes: src.bytes.length,
        ...(license ? { license } : {}),
      },
    };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, reason: e.message };
    return { ok: false, reason: `internal error while fingerprinting (${(e as Error).message})` };
  }
}

/** A carried file's stored stream decoded (its CRC checked) and shingled; a damaged one fails with the one-line message. */
function carryFile(job: CarryJob): FileResult {
  const { stored } = job;
  const used = new Uint8Array(stored.table.codes.length);
  try {
    // (a store carries a stream over only when it is chunked as this format chunks it: blob.ts isChunked)
    const { codes } = decodeStored(stored.stored, stored.crc, stored.table, stored.tokens, stored.source, `token stream of ${job.path}`, used,
      isChunked(stored.tokens));
    return { ok: true, mode: 'carry', data: { shingles: fileShingles(codes, job.params.k), used } };
  } catch (e) {
    return { ok: false, reason: e instanceof UserError ? e.message : `internal error while carrying ${job.path} over (${(e as Error).message})` };
  }
}

/** Syntax-error ranges as [start, end) pairs, to cross the worker boundary as one typed array. */
export function errorColumns(errors: readonly { start: number; end: number }[]): Uint32Array {
  return Uint32Array.from(errors.flatMap((e) => [e.start, e.end]));
}
export function errorsFromColumns(errors: Uint32Array): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let i = 0; i + 1 < errors.length; i += 2) out.push({ start: errors[i]!, end: errors[i + 1]! });
  return out;
}
export function unitsFromColumns(d: { unitKinds: Uint8Array; unitStarts: Uint32Array; unitEnds: Uint32Array }): Unit[] {
  return Array.from(d.unitKinds, (k, i) => ({ kind: UNIT_KINDS[k]!, start: d.unitStarts[i]!, end: d.unitEnds[i]! }));
}
