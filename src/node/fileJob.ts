// One unit of parallel work: a file read, checked, tokenized and (for indexing) fingerprinted.
// Runs in a worker thread or, when workers are off, in the calling thread.
import { createHash } from 'node:crypto';
import { fingerprintForIndex, unitColumns, UNIT_KINDS, type FileFingerprint } from '../core/fingerprint';
import { codeTable } from '../core/tokenize';
import type { FingerprintParams, LanguageId, TokenStream, Unit } from '../core/types';
import { encodeBlob } from '../index/file/blob';
import type { TokenBlob } from '../index/store';
import { loadLanguage, ParseFailure, tokenizeText } from './grammars';
import { readSource, spdxHeader } from './source';

export interface FileJob {
  readonly mode: 'index' | 'tokenize';
  readonly abs: string;
  readonly language: LanguageId;
  readonly params: FingerprintParams;
  readonly maxBytes: number;
  /** index mode: also encode the token stream for the file store (IndexStore.acceptsTokenBlobs) */
  readonly tokenBlobs?: boolean;
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
  | { ok: false; reason: string };

export async function processFile(job: FileJob): Promise<FileResult> {
  const src = await readSource(job.abs, { maxBytes: job.maxBytes, skipGenerated: job.mode === 'index' });
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
