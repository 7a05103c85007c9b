// The workspace's record of accepted findings, `.memocheck/accepted.json`, keyed by the finding's
// fingerprint (stable when the copy moves to other lines), so the same finding is not raised again and
// the decision is reviewable in version control. Pure parse/serialize (unit-tested); I/O is in the caller.
import type { Finding } from '../core/types';

export const ACCEPTED_FILE = '.memocheck/accepted.json';
export const ACCEPTED_VERSION = 1;

export interface AcceptedEntry {
  readonly justification: string;
  /** workspace-relative path where the finding was accepted (informational; the fingerprint is the key) */
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly source: { repo: string; path: string; startLine: number; endLine: number; license: string };
  readonly similarity: number;
  readonly kind: string;
  readonly verdict: string;
  readonly acceptedAt: string;
  readonly acceptedBy?: string;
}

export interface AcceptedFile {
  readonly version: number;
  readonly accepted: Record<string, AcceptedEntry>;
}

export function emptyAccepted(): AcceptedFile {
  return { version: ACCEPTED_VERSION, accepted: {} };
}

/** Parses the file; a broken file is an error naming it and the problem (never silently emptied). */
export function parseAccepted(text: string, where: string): AcceptedFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message}); fix or delete the file`);
  }
  const obj = data as Partial<AcceptedFile> | null;
  if (!obj || typeof obj !== 'object' || typeof obj.accepted !== 'object' || obj.accepted === null || Array.isArray(obj.accepted)) {
    throw new Error(`${where}: expected {"version": ${ACCEPTED_VERSION}, "accepted": {<fingerprint>: {...}}}`);
  }
  if (obj.version !== ACCEPTED_VERSION) throw new Error(`${where}: unsupported version ${String(obj.version)} (this MemoCheck reads version ${ACCEPTED_VERSION})`);
  return { version: ACCEPTED_VERSION, accepted: obj.accepted };
}

export function withAccepted(file: AcceptedFile, finding: Finding, relFile: string, justification: string, at: Date, by?: string): AcceptedFile {
  const entry: AcceptedEntry = {
    justification, file: relFile, startLine: finding.startLine, endLine: finding.endLine,
    source: { repo: finding.source.repo, path: finding.source.path, startLine: finding.source.startLine, endLine: finding.source.endLine, license: finding.source.license },
    similarity: Math.round(finding.similarity * 1000) / 1000, kind: finding.kind, verdict: finding.verdict,
    acceptedAt: at.toISOString(), ...(by ? { acceptedBy: by } : {}),
  };
  return { version: ACCEPTED_VERSION, accepted: { ...file.accepted, [finding.fingerprint]: entry } };
}

/** Stable, diff-friendly text: keys sorted, two-space indent, trailing newline. */
export function serializeAccepted(file: AcceptedFile): string {
  const accepted: Record<string, AcceptedEntry> = {};
  for (const k of Object.keys(file.accepted).sort()) accepted[k] = file.accepted[k]!;
  return JSON.stringify({ version: file.version, accepted }, null, 2) + '\n';
}
