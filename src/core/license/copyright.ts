// Copyright lines from a source file's header or a LICENSE/NOTICE text, for attribution notices. Licence
// templates ("Copyright (c) <year> <copyright holders>") and prose about notices are not copyright lines.

const COPYRIGHT = /^(?:copyright\b|\(c\)|©)/i;
// what follows the keyword: a symbol, a year or a capitalized holder ("Copyright and related rights" is prose)
const HOLDER = /^(?:Copyright|COPYRIGHT|\([cC]\)|©)[:\s]*(?:\([cC]\)|©|\d|[A-Z])/;
const TEMPLATE = /<\s*(?:year|yyyy|name|owner|author|copyright holder|organization)|\[(?:yyyy|year|name)|\{(?:yyyy|year)/i;
const PROSE = /\b(?:notice|notices|holders? nor|holder\(s\) be liable|this (?:file|program|software) is|permission)\b/i;

/** Distinct copyright lines (comment markers stripped), in order of appearance, at most `max`. */
export function copyrightLines(text: string, max = 20): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s*(?:\/\*+|\*+\/?|\/\/+|#+|;+|--|!|dnl\b|%+|'|REM\b)?\s*/, '').replace(/\s*\*+\/\s*$/, '').replace(/\s+/g, ' ').trim();
    if (!COPYRIGHT.test(line) || !HOLDER.test(line) || TEMPLATE.test(line) || PROSE.test(line)) continue;
    // "Copyright" alone, or followed by nothing that names a year or a holder, is a heading
    if (!/\d{4}|[A-Za-z]{2,}.*[A-Za-z]{2,}/.test(line.replace(COPYRIGHT, ''))) continue;
    const key = line.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(line);
    if (out.length >= max) break;
  }
  return out;
}
