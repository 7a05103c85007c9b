// Accepting a finding from the editor writes the same committed file `memocheck accept` and
// `memocheck review` use (src/core/policy.ts: `.memocheck-accepted.json` at the repository root, or the
// `acceptedFile` of `.memocheck.json`), keyed by the finding's fingerprint, so the pre-commit review does
// not raise an accepted finding again and the decision is reviewable in version control.
// Pure text in, text out (unit-tested); the caller does the I/O.
import { acceptanceRecord, parseAccepted, type Acceptance } from '../core/policy';
import type { Finding } from '../core/types';

/** The record, as `memocheck accept` writes it (minus the copyright lines it reads from disk). */
export function acceptanceFor(f: Finding, relFile: string, justification: string, author: string, at: Date): Acceptance & Record<string, unknown> {
  return acceptanceRecord(f, relFile, justification, author, at.toISOString());
}

/**
 * Adds a record to the file's text (undefined: no file yet), keeping every other record and key as they
 * are. A fingerprint already accepted is not added twice. A broken file is an error naming it.
 */
export function addAcceptance(text: string | undefined, record: Acceptance, fileName: string): { text: string; added: boolean } {
  if (text === undefined) return { text: JSON.stringify({ accepted: [record] }, null, 2) + '\n', added: true };
  parseAccepted(text, fileName);
  const doc = JSON.parse(text) as { accepted: Acceptance[] };
  if (doc.accepted.some(a => a.fingerprint === record.fingerprint)) return { text, added: false };
  doc.accepted.push(record);
  return { text: JSON.stringify(doc, null, 2) + '\n', added: true };
}
