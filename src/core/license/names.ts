// Free-text licence names ("Apache License, Version 2.0", "GPLv2+", "BSD 3-Clause", Python classifiers,
// Debian short names) -> SPDX. Strict: a name that leaves the version or variant open ("BSD", "GPL",
// "LGPL") gives undefined, never a guess. Full SPDX names come from spdx-license-list.
import spdxList from 'spdx-license-list';
import licenseIds from 'spdx-license-ids';
import { joinExpressions, normalizeExpression, PROPRIETARY, PUBLIC_DOMAIN } from './expression';

/** Lower case, British spellings, no filler words, versions as bare numbers ("2.0" -> "2"). */
export function nameKey(name: string): string {
  return ` ${name.toLowerCase()} `
    .replace(/licen[cs]ed?s?\b/g, ' ')
    .replace(/\bthe\b|\bversion\b|\bvers?\.|\bv(?=\s*\d)/g, ' ')
    .replace(/([a-z])(\d)/g, '$1 $2')
    .replace(/(\d)([a-z])/g, '$1 $2')
    .replace(/\b(a?gpl|lgpl|fdl|gfdl)v\b/g, '$1')
    .replace(/(\d)\.0\b/g, '$1')
    .replace(/\+/g, ' + ')
    .replace(/[^a-z0-9.+]+/g, ' ')
    .replace(/(?<!\d)\.|\.(?!\d)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const ALIASES: Record<string, string> = {
  'mit': 'MIT', 'expat': 'MIT', 'mit expat': 'MIT', 'the mit': 'MIT', 'mit x11': 'MIT', 'mit style': 'MIT',
  'isc': 'ISC', 'isc iscl': 'ISC', 'iscl': 'ISC',
  'bsd 2 clause': 'BSD-2-Clause', '2 clause bsd': 'BSD-2-Clause', 'simplified bsd': 'BSD-2-Clause',
  'bsd simplified': 'BSD-2-Clause', 'freebsd': 'BSD-2-Clause', 'bsd 2': 'BSD-2-Clause',
  'bsd 3 clause': 'BSD-3-Clause', '3 clause bsd': 'BSD-3-Clause', 'new bsd': 'BSD-3-Clause', 'bsd new': 'BSD-3-Clause',
  'revised bsd': 'BSD-3-Clause', 'modified bsd': 'BSD-3-Clause', 'bsd 3': 'BSD-3-Clause',
  'bsd 4 clause': 'BSD-4-Clause', '4 clause bsd': 'BSD-4-Clause', 'original bsd': 'BSD-4-Clause',
  '0bsd': '0BSD', 'zero clause bsd': '0BSD', 'bsd zero clause': '0BSD', 'bsd 0 clause': '0BSD',
  'apache 2': 'Apache-2.0', 'apache software 2': 'Apache-2.0', 'asl 2': 'Apache-2.0',
  'apache 1.1': 'Apache-1.1', 'apache software 1.1': 'Apache-1.1',
  'mpl 2': 'MPL-2.0', 'mozilla public 2': 'MPL-2.0', 'mpl 1.1': 'MPL-1.1', 'mozilla public 1.1': 'MPL-1.1',
  'epl 1': 'EPL-1.0', 'eclipse public 1': 'EPL-1.0', 'epl 2': 'EPL-2.0', 'eclipse public 2': 'EPL-2.0',
  'psf': 'PSF-2.0', 'psf 2': 'PSF-2.0', 'python software foundation': 'PSF-2.0', 'psfl': 'PSF-2.0',
  'python': 'Python-2.0', 'python 2': 'Python-2.0', 'cnri python': 'CNRI-Python',
  'zlib': 'Zlib', 'zlib libpng': 'Zlib', 'libpng': 'Libpng', 'libpng 2': 'libpng-2.0', 'curl': 'curl',
  'public domain': PUBLIC_DOMAIN, 'public domain dedication': PUBLIC_DOMAIN,
  'unlicense': 'Unlicense', 'the unlicense': 'Unlicense',
  'cc0': 'CC0-1.0', 'cc0 1': 'CC0-1.0', 'cc 0': 'CC0-1.0', 'cc 0 1': 'CC0-1.0',
  'wtfpl': 'WTFPL', 'boost software 1': 'BSL-1.0', 'boost': 'BSL-1.0', 'bsl 1': 'BSL-1.0',
  'artistic 2': 'Artistic-2.0', 'artistic 1': 'Artistic-1.0', 'perl': 'Artistic-1.0-Perl OR GPL-1.0-or-later',
  'perl 5': 'Artistic-1.0-Perl OR GPL-1.0-or-later', 'same as perl': 'Artistic-1.0-Perl OR GPL-1.0-or-later',
  'unlicensed': PROPRIETARY, 'proprietary': PROPRIETARY, 'other proprietary': PROPRIETARY, 'commercial': PROPRIETARY,
  'all rights reserved': PROPRIETARY,
  'blue oak model 1': 'BlueOak-1.0.0', 'blueoak 1': 'BlueOak-1.0.0',
  'ofl 1.1': 'OFL-1.1', 'sil open font 1.1': 'OFL-1.1', 'upl 1': 'UPL-1.0', 'universal permissive 1': 'UPL-1.0',
  'zope public 2.1': 'ZPL-2.1', 'zpl 2.1': 'ZPL-2.1', 'w3c': 'W3C', 'ncsa': 'NCSA',
  'university of illinois ncsa open source': 'NCSA', 'cddl 1': 'CDDL-1.0', 'tcl': 'TCL', 'openssl': 'OpenSSL',
};

const byName = new Map<string, string>();
for (const [id, meta] of Object.entries(spdxList as Record<string, { name: string }>)) {
  byName.set(nameKey(meta.name), id);
}
const idKeys = new Map<string, string>();
for (const id of licenseIds) idKeys.set(nameKey(id), id);

/** GNU family names: the version must be present; `+`/"or later" picks -or-later, else -only. */
function gnuName(key: string): string | undefined {
  let family: string | undefined;
  if (/\b(agpl|affero)\b/.test(key)) family = 'AGPL';
  else if (/\b(lgpl|lesser|library)\b/.test(key)) family = 'LGPL';
  else if (/\b(gfdl|fdl|free documentation)\b/.test(key)) family = 'GFDL';
  else if (/\b(gpl|general public)\b/.test(key)) family = 'GPL';
  if (!family) return undefined;
  if (/\b(exception|linking|classpath)\b/.test(key) && !/\bwith\b/.test(key)) return undefined;
  if (/\s(or|and)\s/.test(key.replace(/\bor (any )?later\b|\bor newer\b|\bor above\b/g, ''))) return undefined;
  const m = /(?:^|\s)([1-3])(?:\.(\d))?(?=\s|$)/.exec(key);
  if (!m) return undefined;
  const version = `${m[1]}.${m[2] ?? '0'}`;
  const id = `${family}-${version}`;
  if (!licenseIds.includes(`${id}-only`)) return undefined;
  const rest = key.slice(m.index + m[0].length);
  const later = /^\s*\+|\bor (any )?later\b|\bor newer\b|\band later\b|\bany later\b|\bor above\b/.test(rest);
  return `${id}-${later ? 'or-later' : 'only'}`;
}

/** A single licence name (no conjunctions) -> SPDX, or undefined. */
function singleName(name: string): string | undefined {
  const direct = normalizeExpression(name);
  if (direct) return direct;
  const key = nameKey(name);
  if (!key) return undefined;
  if (Object.hasOwn(ALIASES, key)) return ALIASES[key];
  const withoutParen = nameKey(name.replace(/\([^)]*\)/g, ' '));
  for (const k of [key, withoutParen]) {
    if (Object.hasOwn(ALIASES, k)) return ALIASES[k];
    const id = byName.get(k) ?? idKeys.get(k);
    if (id) return normalizeExpression(id);
  }
  return undefined;
}

/**
 * Licence name, id list or expression -> SPDX expression, or undefined when not certain.
 * Handles "MIT/Apache-2.0", "MIT or Apache 2.0", "GPL-2+ with OpenSSL exception" (the exception is dropped:
 * it relaxes linking terms but the code stays copyleft).
 */
export function licenseFromName(name: string | undefined | null): string | undefined {
  if (typeof name !== 'string') return undefined;
  let trimmed = name.trim().replace(/^["']+|["']+$/g, '').trim();
  if (/^\([^()]*\)$/.test(trimmed)) trimmed = trimmed.slice(1, -1).trim();
  if (!trimmed || trimmed.length > 200) return undefined;
  const whole = singleName(trimmed);
  if (whole) return whole;
  const stripped = trimmed.replace(/\s+with\s+[\w\s.-]*exception[\w\s.-]*/i, '');
  if (stripped !== trimmed) return licenseFromName(stripped);
  for (const [sep, conj] of [[/\s+or\s+|\s*\/\s*|\s*\|\s*/i, 'OR'], [/\s+and\s+|\s*,\s*|\s*&\s*/i, 'AND']] as const) {
    const parts = trimmed.split(sep).map((p) => p.trim()).filter(Boolean);
    if (parts.length < 2) continue;
    const ids = parts.map((p) => licenseFromName(p));
    if (ids.every((id): id is string => !!id)) return joinExpressions(ids, conj);
  }
  const key = nameKey(trimmed);
  return gnuName(nameKey(trimmed.replace(/\([^)]*\)/g, ' '))) ?? gnuName(key);
}

/** Python trove classifier ("License :: OSI Approved :: MIT License") -> SPDX, or undefined. */
export function licenseFromClassifier(classifier: string): string | undefined {
  const parts = classifier.split('::').map((p) => p.trim());
  if (parts[0] !== 'License' || parts.length < 2) return undefined;
  const last = parts[parts.length - 1];
  if (/^(OSI Approved|DFSG approved|Free For Educational Use|Free For Home Use|Free for non-commercial use|Freely Distributable|Freeware|Other\/Nonfree|Repoze Public License)$/i.test(last)) return undefined;
  if (/^Other\/Proprietary License$/i.test(last)) return PROPRIETARY;
  if (/^Public Domain$/i.test(last)) return PUBLIC_DOMAIN;
  // Classifiers without a version ("BSD License", "GNU General Public License (GPL)") stay undefined.
  return licenseFromName(last);
}
