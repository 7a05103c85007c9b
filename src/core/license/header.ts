// Per-file licence headers. An `SPDX-License-Identifier:` line in the first lines of a file overrides the
// repository licence for that file.
import { normalizeExpression } from './expression';
import { licenseFromName } from './names';

/** Lines of a file searched for a header. */
export const HEADER_LINES = 30;

/**
 * The SPDX expression of a file's `SPDX-License-Identifier:` header, or undefined when there is none or it
 * does not parse. Comment closers (`*\/`, `-->`) and trailing punctuation are ignored.
 */
export function spdxHeader(text: string, maxLines = HEADER_LINES): string | undefined {
  let end = 0;
  for (let i = 0; i < maxLines && end >= 0; i++) end = text.indexOf('\n', end + 1);
  const head = end < 0 ? text : text.slice(0, end);
  const m = /SPDX-License-Identifier:[ \t]*([^\r\n]*)/i.exec(head);
  if (!m) return undefined;
  const value = m[1].replace(/\s*(\*\/|-->|\*\)|#\}|%>|"""|''').*$/, '').replace(/[\s;,.]+$/, '').replace(/^["'(\s]+(?=[A-Za-z])|["']+$/g, '').trim();
  if (!value) return undefined;
  return normalizeExpression(value) ?? licenseFromName(value);
}
