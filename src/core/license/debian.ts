// Debian machine-readable copyright files (DEP-5, debian/copyright): the licence of each `Files:` stanza
// as an SPDX expression, and the licence of a path (the last matching stanza wins, as DEP-5 says).
import { joinExpressions, PUBLIC_DOMAIN } from './expression';
import { licenseFromName } from './names';

export interface DebianStanza {
  readonly patterns: readonly string[];
  /** SPDX expression or undefined when the short name has no certain SPDX equivalent */
  readonly license: string | undefined;
  /** the short name as written */
  readonly shortName: string;
  readonly copyright: string[];
}

export interface DebianCopyright {
  /** false when the file is free-form (not DEP-5); then stanzas is empty */
  readonly machineReadable: boolean;
  readonly stanzas: readonly DebianStanza[];
  /** licence texts of stand-alone License paragraphs (and of stanzas that carry one), by short name */
  readonly texts: Readonly<Record<string, string>>;
}

// Debian short names whose meaning differs from the same words elsewhere (DEP-5 "License specification").
const DEBIAN_NAMES: Record<string, string> = {
  'artistic': 'Artistic-1.0-Perl',
  'artistic-1': 'Artistic-1.0-Perl',
  'perl': 'Artistic-1.0-Perl OR GPL-1.0-or-later',
  'expat': 'MIT',
  'public-domain': PUBLIC_DOMAIN,
  'zlib': 'Zlib',
  'mpl-1.1': 'MPL-1.1',
  'bsd-2-clause': 'BSD-2-Clause',
  'bsd-3-clause': 'BSD-3-Clause',
  'bsd-4-clause': 'BSD-4-Clause',
  'python-cnri': 'CNRI-Python',
  'cc0-1.0': 'CC0-1.0',
  'gfdl-niv': 'GFDL-1.1-no-invariants-or-later',
};

interface Paragraph {
  readonly fields: Map<string, string>;
}

function paragraphs(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  for (const block of text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let current: string | undefined;
    for (const line of block.split('\n')) {
      if (line.startsWith('#')) continue;
      const m = /^([A-Za-z][A-Za-z0-9-]*):[ \t]?(.*)$/.exec(line);
      if (m && !/^\s/.test(line)) {
        current = m[1].toLowerCase();
        fields.set(current, m[2]);
      } else if (current && /^\s/.test(line)) {
        const body = line.trim() === '.' ? '' : line.replace(/^\s/, '');
        fields.set(current, `${fields.get(current)}\n${body}`);
      }
    }
    if (fields.size) out.push({ fields });
  }
  return out;
}

/** One Debian licence short name (no `or`/`and`) -> SPDX. */
function debianName(name: string): string | undefined {
  const clean = name.trim().replace(/\s+with\s+.*exception.*$/i, '');
  const mapped = Object.hasOwn(DEBIAN_NAMES, clean.toLowerCase()) ? DEBIAN_NAMES[clean.toLowerCase()] : undefined;
  if (mapped) return mapped;
  return licenseFromName(clean);
}

/** A Debian licence expression ("GPL-2+ or Artistic", "LGPL-3+ and BSD-3-clause") -> SPDX. */
export function debianLicense(expression: string): string | undefined {
  const text = expression.trim().replace(/,\s*(and|or)\s/gi, ' $1 ');
  const alternatives = text.split(/\s+or\s+/i);
  const ors: string[] = [];
  for (const alt of alternatives) {
    const parts = alt.split(/\s+and\s+/i).map(debianName);
    if (parts.some((p) => !p)) return undefined;
    const joined = joinExpressions(parts as string[], 'AND');
    if (!joined) return undefined;
    ors.push(joined);
  }
  return joinExpressions(ors, 'OR');
}

/**
 * Parses debian/copyright. `matchText` (optional) identifies a licence from its text and is used when a
 * short name has no SPDX equivalent but the file carries the licence text.
 */
export function parseDebianCopyright(text: string, matchText?: (licenseText: string) => string | undefined): DebianCopyright {
  const paras = paragraphs(text);
  const header = paras[0]?.fields;
  const machineReadable = !!header && (header.has('format') || header.has('format-specification')) && /dep-?5|copyright-format/i.test(header.get('format') ?? header.get('format-specification') ?? '');
  if (!machineReadable) return { machineReadable: false, stanzas: [], texts: {} };
  const texts: Record<string, string> = {};
  for (const p of paras) {
    const lic = p.fields.get('license');
    if (!lic) continue;
    const [first, ...rest] = lic.split('\n');
    const body = rest.join('\n').trim();
    if (body && first.trim()) texts[first.trim()] = body;
  }
  const resolve = (shortName: string): string | undefined => {
    const direct = debianLicense(shortName);
    if (direct) return direct;
    const body = texts[shortName];
    if (!body || !matchText || /\s(or|and)\s/i.test(shortName)) return undefined;
    return matchText(body);
  };
  const stanzas: DebianStanza[] = [];
  for (const p of paras) {
    const files = p.fields.get('files');
    const lic = p.fields.get('license');
    if (!files || !lic) continue;
    const shortName = lic.split('\n')[0].trim();
    stanzas.push({
      patterns: files.split(/\s+/).filter(Boolean),
      license: resolve(shortName),
      shortName,
      copyright: (p.fields.get('copyright') ?? '').split('\n').map((l) => l.trim()).filter(Boolean),
    });
  }
  return { machineReadable, stanzas, texts };
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Each stanza's patterns as one expression, compiled once: the licence of every file of a repository is
 * looked up here (compiling them per lookup cost ~0.1 s of the main thread per indexing of the benchmark).
 */
const compiled = new WeakMap<DebianStanza, RegExp>();

function stanzaPattern(s: DebianStanza): RegExp {
  let re = compiled.get(s);
  if (!re) {
    re = s.patterns.length ? new RegExp(s.patterns.map((p) => globToRegExp(p.replace(/^\.\//, '')).source).join('|')) : /(?!)/;
    compiled.set(s, re);
  }
  return re;
}

/** The stanza that governs a path (relative, '/' separators), or undefined. */
export function debianStanzaFor(copyright: DebianCopyright, path: string): DebianStanza | undefined {
  let found: DebianStanza | undefined;
  for (const s of copyright.stanzas) if (stanzaPattern(s).test(path)) found = s;
  return found;
}

/** The licence of upstream code: the `Files: *` stanza (Debian packaging under debian/ is not upstream). */
export function debianMainLicense(copyright: DebianCopyright): DebianStanza | undefined {
  return copyright.stanzas.find((s) => s.patterns.includes('*'));
}
